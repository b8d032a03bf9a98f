// JSON pointers (RFC 6901): the one place tokens are escaped, unescaped and followed.

export function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function unescapeToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The unescaped tokens of a pointer; a leading `#` (URI fragment form) is allowed. */
export function tokensOf(pointer: string): string[] {
  const bare = pointer.replace(/^#/, '');
  return bare === '' ? [] : bare.replace(/^\//, '').split('/').map(unescapeToken);
}

/** The value a pointer leads to inside a document; undefined when it leads nowhere. */
export function resolvePointer(root: unknown, pointer: string): unknown {
  let node: unknown = root;
  for (const token of tokensOf(pointer)) {
    if (node === null || typeof node !== 'object' || !(token in node)) return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}
