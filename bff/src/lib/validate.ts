/**
 * Input validation for every route: `router.post('/x', validate(Schema, 'body'), handler)`, then
 * `input(ctx, 'body', Schema)` (typed) in the handler. Failures become 400 VALIDATION_FAILED with
 * `fields: [{path, message}]` in Chinese. Messages written into a schema (`.min(1, '请填写姓名')`)
 * win; everything else gets the Chinese defaults below. Input values are never echoed.
 */
import type { Context, Next } from 'koa';
import type { FieldIssue } from '@ih/contract';
import { z } from 'zod';
import { AppError } from './errors';

export type InputSource = 'body' | 'query' | 'params' | 'headers';

const TYPE_NAMES: Record<string, string> = {
  string: '文本', number: '数字', int: '整数', bigint: '整数', boolean: '是或否', date: '日期', array: '列表',
  object: '对象', null: '空值', undefined: '空值', nan: '数字', symbol: '符号', file: '文件', map: '映射', set: '集合',
};

const FORMAT_NAMES: Record<string, string> = {
  email: '邮箱', url: '网址', uuid: 'UUID', guid: 'UUID', datetime: '日期时间（如 2024-01-31T08:00:00Z）',
  date: '日期（如 2024-01-31）', time: '时间（如 08:30）', ipv4: 'IP 地址', ipv6: 'IP 地址', base64: 'Base64',
  jwt: '令牌', emoji: '表情', cuid: '编号', nanoid: '编号', ulid: '编号', e164: '电话号码', duration: '时长',
};

function sizeWords(origin: string | undefined): { unit: string; what: string } {
  switch (origin) {
    case 'string': return { unit: '个字符', what: '长度' };
    case 'array': case 'set': return { unit: '项', what: '数量' };
    case 'file': return { unit: '字节', what: '大小' };
    default: return { unit: '', what: '' };
  }
}

/** Chinese message for one zod issue (the per-parse error map; schema messages take precedence). */
export function chineseIssueMessage(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return '此项为必填项';
      if (issue.input === null) return '此项不能为空';
      return `格式不正确，应为${TYPE_NAMES[issue.expected] ?? '正确的格式'}`;
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      const { unit, what } = sizeWords(issue.origin);
      if (issue.origin === 'string' && min === 1) return '此项不能为空';
      if (issue.origin === 'array' && min === 1) return '请至少选择一项';
      if (unit) return `${what}至少为 ${min} ${unit}`;
      if (issue.origin === 'date') return '日期过早';
      return issue.inclusive ? `不能小于 ${min}` : `必须大于 ${min}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      const { unit, what } = sizeWords(issue.origin);
      if (unit) return `${what}不能超过 ${max} ${unit}`;
      if (issue.origin === 'date') return '日期过晚';
      return issue.inclusive ? `不能大于 ${max}` : `必须小于 ${max}`;
    }
    case 'invalid_format': {
      if (issue.format === 'starts_with') return '开头不正确';
      if (issue.format === 'ends_with') return '结尾不正确';
      const name = FORMAT_NAMES[issue.format];
      return name ? `${name}格式不正确` : '格式不正确';
    }
    case 'not_multiple_of':
      return `必须是 ${String(issue.divisor)} 的倍数`;
    case 'unrecognized_keys':
      return `包含不支持的字段：${issue.keys.join('、')}`;
    case 'invalid_value':
      return '取值不在允许的范围内';
    case 'invalid_union':
      return '格式不正确';
    case 'invalid_key':
      return '字段名不正确';
    case 'invalid_element':
      return '列表中有不正确的项';
    case 'custom':
    default:
      return '格式不正确';
  }
}

const HAS_CJK = /[\u3400-\u9fff]/;

export function issuesToFields(issues: readonly z.core.$ZodIssue[]): FieldIssue[] {
  return issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    // A custom message that is not Chinese (a developer's English text) is not for users.
    message: HAS_CJK.test(issue.message) ? issue.message : chineseIssueMessage(issue as unknown as z.core.$ZodRawIssue),
  }));
}

/** Parses `data` or throws 400 VALIDATION_FAILED with Chinese field messages. */
export function parseInput<S extends z.ZodType>(schema: S, data: unknown, source?: InputSource): z.output<S> {
  const result = schema.safeParse(data, { error: (iss) => chineseIssueMessage(iss) });
  if (result.success) return result.data;
  let fields = issuesToFields(result.error.issues);
  if (source === 'headers' || source === 'params') fields = fields.map((f) => ({ ...f, path: f.path ? `${source}.${f.path}` : source }));
  throw new AppError('VALIDATION_FAILED', { fields });
}

function sourceData(ctx: Context, source: InputSource): unknown {
  switch (source) {
    case 'body': return (ctx.request as { body?: unknown }).body ?? {};
    case 'query': return ctx.query;
    case 'params': return (ctx as { params?: unknown }).params ?? {};
    case 'headers': return ctx.headers;
  }
}

export interface ValidatedState {
  validated?: Partial<Record<InputSource, unknown>>;
}

/** Route middleware: validates one part of the request and keeps the parsed value in ctx.state. */
export function validate<S extends z.ZodType>(schema: S, source: InputSource = 'body') {
  return async function validateInput(ctx: Context, next: Next): Promise<void> {
    const value = parseInput(schema, sourceData(ctx, source), source);
    const state = ctx.state as ValidatedState;
    state.validated = { ...state.validated, [source]: value };
    await next();
  };
}

/** The value `validate(schema, source)` parsed earlier in the chain (typed by the same schema). */
export function input<S extends z.ZodType>(ctx: Context, source: InputSource, _schema: S): z.output<S> {
  const validated = (ctx.state as ValidatedState).validated;
  if (!validated || !(source in validated)) throw new Error(`input(): no validate(…, '${source}') before this handler`);
  return validated[source] as z.output<S>;
}
