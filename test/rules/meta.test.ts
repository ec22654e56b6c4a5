import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { INPUT_IDS, type InputId, type MeshModel, type ModelFacets } from '../../src/model/facets.js';
import { RULES, findRule } from '../../src/rules/registry.js';
import { SEVERITIES, STEPS, declaredInputs, declaredViews, defineRule, type AnyRule } from '../../src/rules/rule.js';
import { runRules } from '../../src/rules/run.js';
import { VIEWS, VIEW_IDS, viewCache, type ViewId } from '../../src/model/views/index.js';
import { analyzeFixture, discoverFixtures, type RuleFixture } from '../helpers/rule-fixtures.js';

/** Catalogue invariants every rule must keep; they hold for rules added later without edits here. */
describe('rule catalogue', () => {
  it('has rules', () => {
    expect(RULES.length).toBeGreaterThan(0);
  });

  it('registers every rule once, with a unique id and slug', () => {
    expect(new Set(RULES).size, 'the same rule object is registered twice').toBe(RULES.length);
    const ids = RULES.map((r) => r.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i), 'duplicate ids').toEqual([]);
    const slugs = RULES.map((r) => r.slug);
    expect(slugs.filter((slug, i) => slugs.indexOf(slug) !== i), 'duplicate slugs').toEqual([]);
  });

  describe.each(RULES.map((rule) => [rule.id, rule] as const))('%s', (_id, rule) => {
    it('has an id of the form FAMILY000 and a kebab-case slug, both resolvable', () => {
      expect(rule.id).toMatch(/^[A-Z]+\d{3}$/);
      expect(rule.slug).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(findRule(rule.id)).toBe(rule);
      expect(findRule(rule.slug)).toBe(rule);
    });

    it('documents itself: title, description, rationale, remediation', () => {
      for (const field of ['title', 'description', 'rationale', 'remediation'] as const) {
        expect(typeof rule[field], field).toBe('string');
        expect(rule[field].trim().length, `${field} is empty`).toBeGreaterThan(10);
      }
    });

    it('links docs as https URLs', () => {
      expect(rule.docs.length).toBeGreaterThan(0);
      for (const doc of rule.docs) {
        const url = new URL(doc); // throws on a malformed URL
        expect(url.protocol, doc).toBe('https:');
        expect(url.hostname, doc).not.toBe('');
      }
    });

    it('states its threshold and where it comes from', () => {
      expect(rule.threshold, 'threshold').toBeDefined();
      expect(rule.threshold?.value.trim(), 'threshold.value').not.toBe('');
      expect(rule.threshold?.source.trim(), 'threshold.source').not.toBe('');
    });

    it('has a known severity and step', () => {
      expect(SEVERITIES).toContain(rule.severity);
      expect(Object.keys(STEPS)).toContain(rule.step);
    });

    it('declares valid inputs, each once', () => {
      const declared = declaredInputs(rule);
      expect(declared.length, 'a rule must read something').toBeGreaterThan(0);
      for (const id of declared) expect(INPUT_IDS, `unknown input ${id}`).toContain(id);
      expect(declared.filter((id, i) => declared.indexOf(id) !== i), 'an input declared twice').toEqual([]);
      expect(typeof rule.check).toBe('function');
    });
  });
});

const fixtures = discoverFixtures();

/** Every facet of every fixture model at once: each rule then runs with all of its inputs present. */
function unionModel(models: MeshModel[]): MeshModel {
  const facets = Object.fromEntries(INPUT_IDS.map((id) => [id, models.flatMap((m) => m.facets[id] as unknown[])])) as unknown as ModelFacets;
  const bundle = models[0]!.bundle;
  return { bundle, collection: models[0]!.collection, facets, provided: new Set(models.flatMap((m) => [...m.provided])), view: viewCache(facets, bundle) };
}

describe('a rule reads only the inputs it declares', () => {
  const models = new Map<RuleFixture, MeshModel>();
  beforeAll(async () => {
    for (const fixture of fixtures) models.set(fixture, (await analyzeFixture(fixture)).model);
  });

  it.each(RULES.map((rule) => [rule.id, rule] as const))('%s runs on every fixture model without an undeclared read', (_id, rule) => {
    expect(models.size).toBe(fixtures.length);
    let ran = 0;
    for (const [fixture, model] of models) {
      let run: ReturnType<typeof runRules> | undefined;
      expect(() => {
        run = runRules([rule], model);
      }, `${rule.id} on ${fixture.ruleId}/${fixture.name}`).not.toThrow();
      // check() was called when the rule ran, or declared itself not-checked (missing: []).
      if (run && (run.checked.includes(rule.id) || run.notChecked.some((n) => n.missing.length === 0))) ran++;
    }
    expect(ran, `${rule.id} never ran on any fixture: its check() is not exercised`).toBeGreaterThan(0);
  });

  it.each(RULES.map((rule) => [rule.id, rule] as const))('%s runs on the union of all fixture models', (_id, rule) => {
    const model = unionModel([...models.values()]);
    const needed = [...rule.inputs.required, ...(rule.inputs.anyOf ?? [])];
    for (const id of needed) expect(model.facets[id].length, `no fixture provides ${id}`).toBeGreaterThan(0);
    let run: ReturnType<typeof runRules> | undefined;
    expect(() => {
      run = runRules([rule], model);
    }).not.toThrow();
    expect(run?.notChecked.flatMap((n) => n.missing)).toEqual([]);
  });
});

describe('the input guard of runRules', () => {
  let model: MeshModel;
  beforeAll(async () => {
    const withPods = fixtures.find((f) => f.ruleId === 'CP003' && f.kind === 'quiet' && f.name === 'quiet-healthy-istiod');
    if (!withPods) throw new Error('fixture CP003/quiet-healthy-istiod is missing');
    model = (await analyzeFixture(withPods)).model;
    expect(model.facets['kubectl.pods'].length).toBeGreaterThan(0);
  });

  function testRule(read: readonly InputId[]): AnyRule {
    return defineRule({
      id: 'TEST999',
      slug: 'test-input-guard',
      title: 'test rule',
      severity: 'info',
      step: 'control-plane',
      inputs: { required: ['kubectl.pods'] },
      description: 'reads the facets it is told to',
      rationale: 'test',
      remediation: 'none',
      docs: ['https://example.com/'],
      check(inputs, context) {
        const facets = inputs as unknown as ModelFacets;
        let total = 0;
        for (const id of read) total += facets[id].length;
        context.report({ subject: { kind: 'Mesh', name: 'test' }, title: `read ${total}`, evidence: [], explanation: 'test' });
      },
    });
  }

  it('lets a rule read what it declares', () => {
    const run = runRules([testRule(['kubectl.pods'])], model);
    expect(run.checked).toEqual(['TEST999']);
    expect(run.findings.map((f) => f.title)).toEqual([`read ${model.facets['kubectl.pods'].length}`]);
  });

  it('throws when a rule reads an input it does not declare', () => {
    expect(() => runRules([testRule(['kubectl.pods', 'kubectl.top'])], model)).toThrow(/does not declare/);
    expect(() => runRules([testRule(['logs.istiod'])], model)).toThrow(/TEST999 read input "logs.istiod"/);
  });
});

describe('user-facing rule text cites sources a reader can open', () => {
  it.each(RULES.map((rule) => [rule.id, rule] as const))('%s: no internal documents, no "seed"', (_id, rule) => {
    const text = [rule.title, rule.description, rule.rationale, rule.remediation, rule.threshold?.value ?? '', rule.threshold?.source ?? '', ...rule.docs].join('\n');
    expect(text).not.toMatch(/\bseed\b|playbook|\.\.\/shared|formats\.md|istio-facts|stack\.md/i);
    for (const url of rule.docs) expect(url).toMatch(/^https:\/\/(istio\.io|www\.envoyproxy\.io)\//);
  });
});

describe('declared means read, and views only over declared facets', () => {
  it.each(RULES.map((rule) => [rule.id, rule] as const))('%s declares every facet its views read', (_id, rule) => {
    const declared = declaredInputs(rule);
    for (const view of declaredViews(rule)) {
      expect(VIEW_IDS, `unknown view ${view}`).toContain(view);
      for (const facet of VIEWS[view].reads) expect(declared, `${rule.id} uses view ${view}, which reads ${facet}`).toContain(facet);
    }
  });

  it.each(RULES.map((rule) => [rule.id, rule] as const))('%s reads every input and view it declares, on some fixture', async (_id, rule) => {
    const read = new Set<string>();
    const trace = (ruleId: string, input: string) => {
      if (ruleId !== rule.id) return;
      read.add(input);
      // A view read stands for the facets it is built from.
      if ((VIEW_IDS as string[]).includes(input)) for (const facet of VIEWS[input as ViewId].reads) read.add(facet);
    };
    for (const fixture of fixtures) runRules([rule], (await analyzeFixture(fixture)).model, trace);
    const declared = [...declaredInputs(rule), ...declaredViews(rule)];
    expect(declared.filter((input) => !read.has(input)), `${rule.id} declares inputs it never reads`).toEqual([]);
  });
});

describe('rule files', () => {
  const RULES_DIR = join(import.meta.dirname, '..', '..', 'src', 'rules');
  const files = readdirSync(RULES_DIR, { recursive: true, encoding: 'utf8' }).filter((f) => /^[a-z]+\d{3}-/.test(basename(f)));
  it.each(RULES.map((rule) => [rule.id, rule] as const))('%s lives in <step>/<id>-<slug>.ts', (_id, rule) => {
    expect(files).toContain(join(rule.step, `${rule.id.toLowerCase()}-${rule.slug}.ts`));
  });
  it('no rule file without a registered rule', () => {
    expect(files.length).toBe(RULES.length);
  });
});
