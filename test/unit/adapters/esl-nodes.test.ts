import { describe, expect, it } from 'vitest';
import { parseEslNodes } from '../../../shared/adapters/freeswitch/esl-nodes.ts';

describe('parseEslNodes', () => {
  it('reads every node of the list, in order, spaces around entries allowed', () => {
    expect(parseEslNodes('fs-a=10.0.1.10:8021, fs-b=freeswitch-b.internal:8022')).toEqual([
      { name: 'fs-a', host: '10.0.1.10', port: 8021 },
      { name: 'fs-b', host: 'freeswitch-b.internal', port: 8022 },
    ]);
  });

  it('reads an IPv6 address written in brackets', () => {
    expect(parseEslNodes('fs-v6=[fd00:ec2::10]:8021')).toEqual([
      { name: 'fs-v6', host: 'fd00:ec2::10', port: 8021 },
    ]);
  });

  it.each([
    ['', 'no node given: comma-separated name=host:port, e.g. fs-a=10.0.1.10:8021,fs-b=10.0.2.10:8021'],
    [
      'fs-a=10.0.1.10:8021,',
      'an entry is empty (a stray comma?): comma-separated name=host:port, e.g. fs-a=10.0.1.10:8021,fs-b=10.0.2.10:8021',
    ],
    [
      '10.0.1.10:8021',
      '"10.0.1.10:8021" is not name=host:port (comma-separated name=host:port, e.g. fs-a=10.0.1.10:8021,fs-b=10.0.2.10:8021)',
    ],
    [
      'fs-a=10.0.1.10',
      '"fs-a=10.0.1.10" is not name=host:port (comma-separated name=host:port, e.g. fs-a=10.0.1.10:8021,fs-b=10.0.2.10:8021)',
    ],
    [
      'FS_A=10.0.1.10:8021',
      'node name "FS_A" must be 1-32 lower-case letters, digits or dashes, starting with a letter or digit',
    ],
    ['fs-a=10.0.1.10:0', 'node fs-a: port "0" is not 1-65535'],
    ['fs-a=10.0.1.10:65536', 'node fs-a: port "65536" is not 1-65535'],
    ['fs-a=10.0.1.10:80x', 'node fs-a: port "80x" is not 1-65535'],
    ['fs-a=bad host:8021', 'node fs-a: "bad host" is not a host name or address'],
    ['fs-a=:8021', 'node fs-a: "" is not a host name or address'],
    ['fs-a=10.0.1.10:8021,fs-a=10.0.2.10:8021', 'node fs-a is named twice'],
  ])('refuses %j, saying why', (value, message) => {
    expect(() => parseEslNodes(value)).toThrow(new Error(message));
  });
});
