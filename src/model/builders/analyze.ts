import { ofKind } from '../../artifacts/artifact.js';
import { defineBuilder } from './types.js';

export const analyzeBuilder = defineBuilder({
  facet: 'istioctl.analyze',
  build: (artifacts) => ofKind(artifacts, 'istioctl.analyze').map((a) => ({ path: a.path, format: a.data.format, messages: a.data.messages })),
});
