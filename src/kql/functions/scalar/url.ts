// URL and path functions: parse_url(), parse_urlquery(), parse_path(), and the
// url_encode()/url_encode_component()/url_decode() codecs (.NET HttpUtility semantics:
// lower-case hex escapes of UTF-8 bytes, `+` for space in url_encode()).
import type { ParamSpec, ScalarFunctionDef } from '../registry.js';
import type { DynamicValue } from '../../types.js';
import { argText } from '../text/stringify.js';
import { utf8DecodeStrict, utf8Encode } from '../text/utf8.js';

const STRING = ['string'] as const;
const p = (name: string, types: ParamSpec['types']): ParamSpec => ({ name, types });

/** HttpUtility.UrlEncode's unreserved set. */
const URL_SAFE = /[A-Za-z0-9\-_.!*()]/;

export function urlEncode(s: string, spaceAsPlus: boolean): string {
  let out = '';
  for (const ch of s) {
    if (URL_SAFE.test(ch)) out += ch;
    else if (ch === ' ' && spaceAsPlus) out += '+';
    else for (const b of utf8Encode(ch)) out += '%' + b.toString(16).padStart(2, '0');
  }
  return out;
}

/** HttpUtility.UrlDecode: `+` is a space, %XX runs are UTF-8, malformed escapes stay as text. */
export function urlDecode(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '+') {
      out += ' ';
      i++;
    } else if (c === '%' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      const bytes: number[] = [];
      while (s[i] === '%' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
        bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
        i += 3;
      }
      out += utf8DecodeStrict(Uint8Array.from(bytes)) ?? new TextDecoder().decode(Uint8Array.from(bytes));
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function parseQueryParameters(query: string): { [key: string]: DynamicValue } {
  const params: { [key: string]: DynamicValue } = {};
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = urlDecode(eq < 0 ? part : part.slice(0, eq));
    params[key] = eq < 0 ? '' : urlDecode(part.slice(eq + 1));
  }
  return params;
}

const ABSOLUTE_URL = /^([A-Za-z][A-Za-z0-9+.\-]*):\/\/(?:([^:@/?#]*)(?::([^@/?#]*))?@)?(\[[^\]]*\]|[^:/?#]*)(?::(\d*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s;

export function parseUrl(url: string): DynamicValue {
  const m = ABSOLUTE_URL.exec(url);
  if (m === null) {
    return { Scheme: '', Host: '', Port: '', Path: '', Username: '', Password: '', 'Query Parameters': {}, Fragment: '' };
  }
  return {
    Scheme: m[1]!,
    Host: m[4]!,
    Port: m[5] ?? '',
    Path: m[6]!,
    Username: m[2] ?? '',
    Password: m[3] ?? '',
    'Query Parameters': parseQueryParameters(m[7] ?? ''),
    Fragment: m[8] ?? '',
  };
}

export function parsePath(path: string): DynamicValue {
  let rest = path;
  let scheme = '';
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.\-]+):\/\//.exec(rest);
  if (schemeMatch) {
    scheme = schemeMatch[1]!;
    rest = rest.slice(schemeMatch[0].length);
  }
  const longPrefix = /^\\\\\?\\/.exec(rest);
  const body = longPrefix ? rest.slice(longPrefix[0].length) : rest;
  const drive = /^[A-Za-z]:/.exec(body);
  const lastSep = Math.max(rest.lastIndexOf('/'), rest.lastIndexOf('\\'));
  const directoryPath = lastSep < 0 ? '' : rest.slice(0, lastSep);
  let filename = lastSep < 0 ? rest : rest.slice(lastSep + 1);
  // A colon inside the file name (not a drive letter) introduces an alternate data stream.
  let stream = '';
  const colon = filename.indexOf(':');
  if (colon >= 0 && !(lastSep < 0 && drive && colon === 1)) {
    stream = filename.slice(colon + 1);
    filename = filename.slice(0, colon);
  }
  const dirSep = Math.max(directoryPath.lastIndexOf('/'), directoryPath.lastIndexOf('\\'));
  const directoryName = dirSep < 0 ? directoryPath : directoryPath.slice(dirSep + 1);
  const dot = filename.lastIndexOf('.');
  return {
    Scheme: scheme,
    RootPath: drive ? drive[0] : '',
    DirectoryPath: directoryPath,
    DirectoryName: drive && directoryName === drive[0] ? '' : directoryName,
    Filename: filename,
    Extension: dot < 0 ? '' : filename.slice(dot + 1),
    AlternateDataStreamName: stream,
  };
}

export const urlFunctions: readonly ScalarFunctionDef[] = [
  // ADX matches user agents against a large, unpublished pattern database (ua-parser style);
  // declared so queries type-check, and refused at run time rather than approximated.
  {
    kind: 'scalar',
    name: 'parse_user_agent',
    params: [{ name: 'user_agent', types: ['string'] }, { name: 'look_for', types: ['string', 'dynamic'], optional: true }],
    returns: 'dynamic',
  },
  {
    kind: 'scalar',
    name: 'parse_url',
    aliases: ['parseurl'],
    params: [p('url', STRING)],
    returns: 'dynamic',
    impl: (args, ctx) => parseUrl(argText(args, 0, ctx)),
  },
  {
    kind: 'scalar',
    name: 'parse_urlquery',
    aliases: ['parseurlquery'],
    params: [p('query', STRING)],
    returns: 'dynamic',
    impl: (args, ctx) => {
      const q = argText(args, 0, ctx);
      return { 'Query Parameters': parseQueryParameters(q.startsWith('?') ? q.slice(1) : q) };
    },
  },
  {
    kind: 'scalar',
    name: 'parse_path',
    params: [p('path', STRING)],
    returns: 'dynamic',
    impl: (args, ctx) => parsePath(argText(args, 0, ctx)),
  },
  {
    kind: 'scalar',
    name: 'url_encode',
    params: [p('url', STRING)],
    returns: 'string',
    impl: (args, ctx) => urlEncode(argText(args, 0, ctx), true),
  },
  {
    kind: 'scalar',
    name: 'url_encode_component',
    params: [p('url', STRING)],
    returns: 'string',
    impl: (args, ctx) => urlEncode(argText(args, 0, ctx), false),
  },
  {
    kind: 'scalar',
    name: 'url_decode',
    params: [p('encoded_url', STRING)],
    returns: 'string',
    impl: (args, ctx) => urlDecode(argText(args, 0, ctx)),
  },
];
