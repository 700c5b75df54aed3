/**
 * Test-only types: the ProtoJSON (wire) form of @a2a-js/sdk 1.3.0's in-memory types, derived
 * from the SDK's own declarations so the ipc tests can check the kernel's shapes against it.
 * ts-proto types → ProtoJSON: oneofs `{ $case, value }` flatten to `{ [case]: value }`, enums
 * become their names, `bytes` (Buffer) base64 strings, and every field may be left out
 * (ProtoJSON omits defaults). Type imports only: nothing of the SDK runs. Other tests take
 * these with `import type`, which is erased, so this file's own tests run once.
 */
import { describe, expect, it } from 'vitest';
import type { Message as SdkMessage, Part as SdkPart, Role as SdkRole, Task as SdkTask, TaskState as SdkTaskState, TaskStatus as SdkTaskStatus } from '@a2a-js/sdk';

/** The ProtoJSON names of the SDK's TaskState enum. */
export type SdkTaskStateName = Exclude<keyof typeof SdkTaskState, 'UNRECOGNIZED'>;

/** The ProtoJSON names of the SDK's Role enum. */
export type SdkRoleName = Exclude<keyof typeof SdkRole, 'UNRECOGNIZED'>;

type IsAny<T> = 0 extends 1 & T ? true : false;

type Oneof<O> = O extends { $case: infer C extends string; value: infer V } ? { [K in C]: Wire<V> } : never;

/** Enum-typed fields by name: a numeric enum cannot be told from `number` by a conditional type. */
type Field<K, V> = K extends 'role' ? SdkRoleName : K extends 'state' ? SdkTaskStateName : K extends 'status' ? (V extends object ? Wire<V> : SdkTaskStateName) : Wire<V>;

type WireObject<T> = ('content' extends keyof T ? Oneof<NonNullable<T['content' & keyof T]>> : unknown) &
  ('payload' extends keyof T ? Oneof<NonNullable<T['payload' & keyof T]>> : unknown) & {
    [K in Exclude<keyof T, 'content' | 'payload'>]?: Field<K, Exclude<T[K], undefined>>;
  };

/** The ProtoJSON form of an SDK type. */
export type Wire<T> =
  IsAny<T> extends true ? T : T extends Buffer ? string : T extends (infer U)[] ? Wire<U>[] : T extends object ? WireObject<T> : T;

/** True when A and B are the same type. */
export type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;

/** True when A is assignable to B. */
export type Extends<A, B> = [A] extends [B] ? true : false;

/** Compiles only for `true`. */
export type Expect<T extends true> = T;

describe('Wire<T>, the ProtoJSON view of the SDK types', () => {
  it('maps enums to their names, oneofs to one member, bytes to base64 text', () => {
    const wire = {
      id: 't1',
      contextId: 'c1',
      status: { state: 'TASK_STATE_WORKING', timestamp: '1970-01-01T00:00:01.500Z' },
      history: [{ messageId: 'm1', role: 'ROLE_USER', parts: [{ text: 'hi' }, { data: { a: 1 } }, { url: 'https://x', filename: 'x' }, { raw: 'aGk=' }] }],
    } satisfies Wire<SdkTask>;
    expect(wire.status.state).toBe('TASK_STATE_WORKING');
  });

  it('rejects the in-memory and the A2A 0.3 spellings', () => {
    // @ts-expect-error in-memory enum number, not the ProtoJSON name
    const numeric = { state: 2 } satisfies Wire<SdkTaskStatus>;
    // @ts-expect-error A2A 0.3 lower-case state
    const lower = { state: 'working' } satisfies Wire<SdkTaskStatus>;
    // @ts-expect-error A2A 0.3 role
    const role = { messageId: 'm', role: 'user', parts: [] } satisfies Wire<SdkMessage>;
    // @ts-expect-error A2A 0.3 kind-tagged part
    const kind = { kind: 'text', text: 'x' } satisfies Wire<SdkPart>;
    // @ts-expect-error ts-proto's oneof object is not the wire form
    const oneof = { content: { $case: 'text', value: 'x' } } satisfies Wire<SdkPart>;
    expect([numeric, lower, role, kind, oneof]).toHaveLength(5);
  });

  it('names the same enum members the SDK declares', () => {
    type States = Expect<Equal<SdkTaskStateName, 'TASK_STATE_UNSPECIFIED' | 'TASK_STATE_SUBMITTED' | 'TASK_STATE_WORKING' | 'TASK_STATE_COMPLETED' | 'TASK_STATE_FAILED' | 'TASK_STATE_CANCELED' | 'TASK_STATE_INPUT_REQUIRED' | 'TASK_STATE_REJECTED' | 'TASK_STATE_AUTH_REQUIRED'>>;
    type Roles = Expect<Equal<SdkRoleName, 'ROLE_UNSPECIFIED' | 'ROLE_USER' | 'ROLE_AGENT'>>;
    const checked: [States, Roles] = [true, true];
    expect(checked).toEqual([true, true]);
  });
});
