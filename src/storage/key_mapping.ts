// How storage keys map onto the table, exactly as Vault's Go backend does it
// (REFERENCE section 1): key "a/b/c" is the item {Path: "a/b", Key: "c"}, a key without
// "/" lives under Path " " (key attributes cannot be empty), and every folder on the way
// has a placeholder item {Path: parent, Key: "name/"} so that List can find it.

/** The `Path` of top-level keys: one space, because key attributes cannot be empty. */
export const ROOT_PATH = " ";

/** The primary key of one item: its `Path` (partition) and `Key` (sort) values. */
export interface ItemKey {
  /** The `Path` attribute (S). */
  path: string;
  /** The `Key` attribute (S). */
  key: string;
}

/** The item that holds a storage key's value. */
export function valueItemKey(storageKey: string): ItemKey {
  const slash = storageKey.lastIndexOf("/");
  if (slash < 0) return { path: ROOT_PATH, key: storageKey };
  return { path: storageKey.slice(0, slash), key: storageKey.slice(slash + 1) };
}

/** The `Path` whose items a listing of `prefix` ("" or "a/b/") returns. */
export function folderPath(prefix: string): string {
  const folder = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
  return folder === "" ? ROOT_PATH : folder;
}

/**
 * The folders that contain a storage key, deepest first: "a/b/c" is in "a/b" and "a".
 * Each is named by its full path without a trailing slash.
 */
export function ancestorFolders(storageKey: string): string[] {
  const folders: string[] = [];
  for (
    let slash = storageKey.lastIndexOf("/");
    slash > 0;
    slash = storageKey.lastIndexOf("/", slash - 1)
  ) {
    folders.push(storageKey.slice(0, slash));
  }
  return folders;
}

/** The placeholder item that makes `folder` ("a/b") show up in its parent's listing. */
export function placeholderItemKey(folder: string): ItemKey {
  const { path, key } = valueItemKey(folder);
  return { path, key: `${key}/` };
}
