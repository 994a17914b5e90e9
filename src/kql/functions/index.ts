// Registers every built-in function group. Each group file owns its functions.
import { FunctionRegistry } from './registry.js';
import { aggregateFunctions } from './aggregate/aggregates.js';
import { hashFunctions } from './scalar/hash.js';
import { ipFunctions } from './scalar/ip.js';
import { urlFunctions } from './scalar/url.js';
import { windowFunctions } from './scalar/window.js';
import { dynamicFunctions } from './scalar/dynamic.js';
import { conversionFunctions } from './scalar/conversion.js';
import { datetimeFunctions } from './scalar/datetime.js';
import { stringFunctions } from './scalar/string.js';
import { miscFunctions } from './scalar/misc.js';
import { regexFunctions } from './scalar/regex.js';
import { mathFunctions } from './scalar/math.js';
import { seriesFunctions } from './scalar/series.js';

let shared: FunctionRegistry | undefined;

/** The registry of all built-in scalar and aggregate functions (built once). */
export function builtinFunctions(): FunctionRegistry {
  shared ??= new FunctionRegistry()
    .add(aggregateFunctions)
    .add(hashFunctions)
    .add(ipFunctions)
    .add(urlFunctions)
    .add(windowFunctions)
    .add(dynamicFunctions)
    .add(conversionFunctions)
    .add(datetimeFunctions)
    .add(stringFunctions)
    .add(miscFunctions)
    .add(regexFunctions)
    .add(mathFunctions)
    .add(seriesFunctions)
  ;
  return shared;
}
