import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shell, shellQuote } from '../../src/rules/shell.js';

describe('shell quoting of values interpolated into suggested commands', () => {
  it('leaves ordinary Kubernetes names alone', () => {
    expect(shell`kubectl logs ${'productpage-v1-675fc69cf-v2kqw'} -n ${'bookinfo'}`).toBe('kubectl logs productpage-v1-675fc69cf-v2kqw -n bookinfo');
    expect(shellQuote('outbound|9080||reviews.bookinfo.svc.cluster.local')).toBe("'outbound|9080||reviews.bookinfo.svc.cluster.local'");
  });

  it.each(['pp$(id)', "a'b", 'x; rm -rf ~', '`whoami`', 'a b\nc'])('makes %j a single literal argument', (value) => {
    const echoed = execFileSync('sh', ['-c', `printf '%s' ${shellQuote(value)}`], { encoding: 'utf8' });
    expect(echoed).toBe(value);
  });
});
