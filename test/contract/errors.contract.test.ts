/**
 * Errors of built-in classes keep their class across every boundary (a thread,
 * a child process, Redis), as they do on the async backend where nothing is
 * serialised: an AggregateError keeps its `errors`, each with its own class,
 * and a DOMException keeps its name and code.
 */
import { describe, expect, it } from 'vitest';
import { createExecutor, defineTask } from 'unified-executor';
import { backendsUnderTest } from './backends-under-test.js';
import { destroyAfterEach, outcome, setUpBackend } from './helpers.js';

const errors = new URL('../fixtures/errors.mjs', import.meta.url);
const aggregate = defineTask<(message: string) => Promise<never>>(errors, 'aggregate');
const domException = defineTask<(name: string) => never>(errors, 'domException');
const invalid = defineTask<(field: string) => never>(errors, 'invalid');

describe.each(backendsUnderTest)('errors of built-in classes on the $name backend', (backend) => {
  const track = destroyAfterEach();
  const make = () => track(createExecutor(backend.slots(1)));
  setUpBackend(backend);

  it('an AggregateError keeps its class, message, own properties, cause and errors, each with its own class', async () => {
    const result = await outcome(make().run(aggregate, 'all failed'));
    expect(result.ok).toBe(false);
    const error = (result as { error: any }).error;
    expect(error).toBeInstanceOf(AggregateError);
    expect(error.name).toBe('AggregateError');
    expect(error.message).toBe('all failed');
    expect(error.code).toBe('E_ALL_FAILED');
    expect(error.stack).toContain('errors.mjs');
    expect(error.cause).toBeInstanceOf(SyntaxError);
    expect(error.cause.message).toBe('the cause');

    expect(Array.isArray(error.errors)).toBe(true);
    const [type, range, custom, nested] = error.errors;
    expect(error.errors).toHaveLength(4);
    expect(type).toBeInstanceOf(TypeError);
    expect(type).toMatchObject({ name: 'TypeError', message: 'bad type' });
    expect(range).toBeInstanceOf(RangeError);
    expect(range).toMatchObject({ name: 'RangeError', message: 'too big' });
    expect(custom).toBeInstanceOf(Error);
    expect(custom).toMatchObject({ name: 'PaymentError', message: 'declined' });
    expect(custom.stack).toContain('errors.mjs');
    expect(nested).toBeInstanceOf(AggregateError);
    expect(nested.message).toBe('nested');
    expect(nested.errors).toHaveLength(1);
    expect(nested.errors[0]).toBeInstanceOf(URIError);
    expect(nested.errors[0].message).toBe('bad uri');
  });

  it('a subclass of a built-in comes back as that built-in, under its own name', async () => {
    const result = await outcome(make().run(invalid, 'email'));
    expect(result.ok).toBe(false);
    const error = (result as { error: any }).error;
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ name: 'ValidationError', message: 'email is required', field: 'email' });
    expect(error.stack).toContain('errors.mjs');
  });

  it.each(['AbortError', 'TimeoutError', 'DataCloneError'])('a DOMException named %s keeps its class, name and code', async (name) => {
    const result = await outcome(make().run(domException, name));
    expect(result.ok).toBe(false);
    const error = (result as { error: any }).error;
    const expected = new DOMException('x', name);
    expect(error).toBeInstanceOf(DOMException);
    expect(error.name).toBe(name);
    expect(error.code).toBe(expected.code);
    expect(error.message).toBe(`failed with ${name}`);
    expect(error.stack).toContain('errors.mjs');
  });
});
