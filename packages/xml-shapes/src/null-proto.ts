/**
 * Records with no prototype (`Object.prototype` is not on the chain, so a name such as `__proto__`
 * or `constructor` is a plain own property), made by a constructor so V8 keeps them in fast mode
 * with shared hidden classes: `Object.create(null)` objects start as dictionaries, which are about
 * twice as slow to build, read and enumerate.
 */
export const NullProtoObject = function NullProtoObject() {} as unknown as new <T = unknown>() => Record<string, T>;
NullProtoObject.prototype = Object.freeze(Object.create(null));
