/**
 * What a user may write as a target: the union of every provider's target
 * config (each declared in its provider's folder). Add a provider's type here
 * and its module in registry.ts.
 */
import type { AzureTargetConfig } from './azure/target.ts';
import type { GcfTargetConfig } from './gcf/target.ts';
import type { HttpTargetConfig } from './http/target.ts';
import type { LambdaTargetConfig } from './lambda/target.ts';
import type { LocalTargetConfig } from './local/target.ts';
import type { OpenFaasTargetConfig } from './openfaas/target.ts';

export type TargetConfig =
  | LocalTargetConfig
  | LambdaTargetConfig
  | OpenFaasTargetConfig
  | GcfTargetConfig
  | AzureTargetConfig
  | HttpTargetConfig;
