import type { PropertyDef } from '../src/checks/property.js';
import { metamorphicProperties } from './metamorphic.js';
import { statusProperties } from './status.js';
import { storeModel } from './store-model.js';
import { concurrencyProperties } from './concurrency.js';
import { largePayloads } from './payload.js';
import { differentialSameAnswers } from './differential.js';
import { operationsModel } from './operations-model.js';
import { framingProperties } from './te-byte-sweep.js';

/** Every property, in the order `wiregrade fuzz` runs them after the deterministic catalogue. */
export const allProperties: PropertyDef<any>[] = [...statusProperties, ...framingProperties, ...metamorphicProperties, storeModel, operationsModel, largePayloads, ...concurrencyProperties, differentialSameAnswers];
