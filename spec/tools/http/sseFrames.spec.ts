import { formatEvent } from '../../../src/tools/http/sseFrames';

describe('http - SSE frames', () => {
  it('http - id and event fields, one data line per line of the data (CR, LF and CRLF)', () => {
    expect(formatEvent({ data: '{"json":1}' })).toBe('data: {"json":1}\n\n');
    expect(formatEvent({ id: '1-0', event: 'progress', data: 'a' })).toBe('id: 1-0\nevent: progress\ndata: a\n\n');
    expect(formatEvent({ data: 'a\nb\r\nc\rd\n' })).toBe('data: a\ndata: b\ndata: c\ndata: d\ndata: \n\n');
    expect(formatEvent({ data: '' })).toBe('data: \n\n');
  });

  it('http - an id or event name that would break the framing is refused', () => {
    expect(() => formatEvent({ id: 'a\nb', data: 'x' })).toThrow(TypeError);
    expect(() => formatEvent({ id: 'a\0b', data: 'x' })).toThrow(TypeError);
    expect(() => formatEvent({ event: 'a\rb', data: 'x' })).toThrow(TypeError);
  });
});
