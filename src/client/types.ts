// The subset of the DynamoDB JSON 1.0 wire shapes that dynastore sends and reads.
// Field names are the service's own, so values go to the wire without mapping.

/** One DynamoDB attribute value in wire form: binary values are base64 strings. */
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] }
  | { L: AttributeValue[] }
  | { M: Record<string, AttributeValue> };

/** An item, or a primary key, in wire form. */
export type AttributeMap = Record<string, AttributeValue>;

/** Consumed capacity as the service reports it when asked to. */
export interface ConsumedCapacity {
  /** The table the capacity was consumed on. */
  TableName?: string;
  /** Capacity units consumed by the operation. */
  CapacityUnits?: number;
}

/** Input of `GetItem`. */
export interface GetItemInput {
  /** The table to read. */
  TableName: string;
  /** The item's primary key. */
  Key: AttributeMap;
  /** Strongly consistent read. */
  ConsistentRead?: boolean;
  /** Which attributes to return. */
  ProjectionExpression?: string;
  /** Substitutes for reserved words in expressions. */
  ExpressionAttributeNames?: Record<string, string>;
}

/** Output of `GetItem`. */
export interface GetItemOutput {
  /** The item, absent when there is none. */
  Item?: AttributeMap;
}

/** The parts shared by conditional writes. */
export interface ConditionalWrite {
  /** A condition the item must meet for the write to apply. */
  ConditionExpression?: string;
  /** Substitutes for reserved words in expressions. */
  ExpressionAttributeNames?: Record<string, string>;
  /** Values referenced by expressions. */
  ExpressionAttributeValues?: AttributeMap;
  /** `ALL_OLD` to read back what the write replaced. */
  ReturnValues?: "NONE" | "ALL_OLD" | "UPDATED_OLD" | "ALL_NEW" | "UPDATED_NEW";
  /** `ALL_OLD` to see the item that failed the condition. */
  ReturnValuesOnConditionCheckFailure?: "NONE" | "ALL_OLD";
}

/** Input of `PutItem`. */
export interface PutItemInput extends ConditionalWrite {
  /** The table to write. */
  TableName: string;
  /** The whole item, primary key included. */
  Item: AttributeMap;
}

/** Output of `PutItem`, `UpdateItem` and `DeleteItem`. */
export interface WriteItemOutput {
  /** Attributes requested with `ReturnValues`. */
  Attributes?: AttributeMap;
}

/** Input of `UpdateItem`. */
export interface UpdateItemInput extends ConditionalWrite {
  /** The table to write. */
  TableName: string;
  /** The item's primary key. */
  Key: AttributeMap;
  /** `SET`, `REMOVE`, `ADD` and `DELETE` clauses. */
  UpdateExpression: string;
}

/** Input of `DeleteItem`. */
export interface DeleteItemInput extends ConditionalWrite {
  /** The table to write. */
  TableName: string;
  /** The item's primary key. */
  Key: AttributeMap;
}

/** Input of `Query`. */
export interface QueryInput {
  /** The table to read. */
  TableName: string;
  /** Selects the partition (and optionally a sort key range). */
  KeyConditionExpression: string;
  /** Drops items after they were read (they still count against `Limit`). */
  FilterExpression?: string;
  /** Which attributes to return. */
  ProjectionExpression?: string;
  /** Substitutes for reserved words in expressions. */
  ExpressionAttributeNames?: Record<string, string>;
  /** Values referenced by expressions. */
  ExpressionAttributeValues?: AttributeMap;
  /** Strongly consistent read. */
  ConsistentRead?: boolean;
  /** Items to evaluate at most in this page. */
  Limit?: number;
  /** Where the previous page ended. */
  ExclusiveStartKey?: AttributeMap;
  /** Sort key order; `true` (the default) is ascending. */
  ScanIndexForward?: boolean;
}

/** Output of `Query`. */
export interface QueryOutput {
  /** The page's items. */
  Items?: AttributeMap[];
  /** How many items the page holds after filtering. */
  Count?: number;
  /** Present when there are more pages. */
  LastEvaluatedKey?: AttributeMap;
}

/** One put or delete of a `BatchWriteItem`. */
export type WriteRequest =
  | { PutRequest: { Item: AttributeMap } }
  | { DeleteRequest: { Key: AttributeMap } };

/** Input of `BatchWriteItem`: at most 25 requests in all. */
export interface BatchWriteItemInput {
  /** Requests per table name. */
  RequestItems: Record<string, WriteRequest[]>;
}

/** Output of `BatchWriteItem`. */
export interface BatchWriteItemOutput {
  /** Requests the service did not apply; they must be sent again. */
  UnprocessedItems?: Record<string, WriteRequest[]>;
}

/** One element of the table's primary key. */
export interface KeySchemaElement {
  /** The attribute name. */
  AttributeName: string;
  /** `HASH` (partition key) or `RANGE` (sort key). */
  KeyType: "HASH" | "RANGE";
}

/** The type of a key attribute. */
export interface AttributeDefinition {
  /** The attribute name. */
  AttributeName: string;
  /** `S`, `N` or `B`. */
  AttributeType: "S" | "N" | "B";
}

/** Provisioned read and write capacity. */
export interface ProvisionedThroughput {
  /** Read capacity units. */
  ReadCapacityUnits: number;
  /** Write capacity units. */
  WriteCapacityUnits: number;
}

/** How the table is billed. */
export type BillingMode = "PROVISIONED" | "PAY_PER_REQUEST";

/** What `DescribeTable` says of a table. */
export interface TableDescription {
  /** The table name. */
  TableName?: string;
  /** `CREATING`, `ACTIVE`, `UPDATING`, `DELETING`, ... */
  TableStatus?: string;
  /** The primary key. */
  KeySchema?: KeySchemaElement[];
  /** Types of the key attributes. */
  AttributeDefinitions?: AttributeDefinition[];
  /** Capacity, for provisioned tables. */
  ProvisionedThroughput?: Partial<ProvisionedThroughput>;
  /** Absent on tables that were always provisioned. */
  BillingModeSummary?: { BillingMode?: BillingMode };
  /** Approximate item count (updated about every six hours on AWS). */
  ItemCount?: number;
}

/** Input of `DescribeTable`. */
export interface DescribeTableInput {
  /** The table name. */
  TableName: string;
}

/** Output of `DescribeTable`. */
export interface DescribeTableOutput {
  /** The table. */
  Table?: TableDescription;
}

/** Input of `CreateTable`. */
export interface CreateTableInput {
  /** The table name. */
  TableName: string;
  /** The primary key. */
  KeySchema: KeySchemaElement[];
  /** Types of the key attributes. */
  AttributeDefinitions: AttributeDefinition[];
  /** Defaults to `PROVISIONED`. */
  BillingMode?: BillingMode;
  /** Required for `PROVISIONED`, refused for `PAY_PER_REQUEST`. */
  ProvisionedThroughput?: ProvisionedThroughput;
}

/** Output of `CreateTable`. */
export interface CreateTableOutput {
  /** The table as created. */
  TableDescription?: TableDescription;
}

/** Input of `UpdateTable`. */
export interface UpdateTableInput {
  /** The table name. */
  TableName: string;
  /** The new billing mode. */
  BillingMode?: BillingMode;
  /** The new capacity (provisioned tables only). */
  ProvisionedThroughput?: ProvisionedThroughput;
}

/** Output of `UpdateTable`. */
export interface UpdateTableOutput {
  /** The table as it now is. */
  TableDescription?: TableDescription;
}

/** One action of a `TransactWriteItems`. */
export type TransactWriteItem =
  | { Put: PutItemInput }
  | { Update: UpdateItemInput }
  | { Delete: DeleteItemInput }
  | { ConditionCheck: DeleteItemInput & { ConditionExpression: string } };

/** Input of `TransactWriteItems`: at most 100 actions, all applied or none. */
export interface TransactWriteItemsInput {
  /** The actions. */
  TransactItems: TransactWriteItem[];
  /** Makes retries of the same transaction idempotent for 10 minutes. */
  ClientRequestToken?: string;
}

/** The operations dynastore knows by name; `send` accepts any other name too. */
export type OperationName =
  | "GetItem"
  | "PutItem"
  | "UpdateItem"
  | "DeleteItem"
  | "Query"
  | "BatchWriteItem"
  | "DescribeTable"
  | "CreateTable"
  | "UpdateTable"
  | "TransactWriteItems";
