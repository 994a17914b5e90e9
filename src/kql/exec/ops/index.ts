// Dispatches a piped operator to the module that implements it. Operators without an
// implementation are refused by name, never approximated.

import type { QueryOperator } from '../../syntax/ast.js';
import { NotSupportedError } from '../../types.js';
import type { Compiler } from '../compiler.js';
import type { Relation } from '../relation.js';
import type { Scope } from '../scope.js';
import { compileAs, compileConsume, compileGetSchema, compileRender } from './misc.js';
import {
  compileExtend, compileProject, compileProjectAway, compileProjectKeep, compileProjectRename, compileProjectReorder,
  compileSerialize, compileWhere,
} from './rowwise.js';
import { compileSort, compileTop } from './sort.js';
import { compileDistinct, compileSummarize } from './summarize.js';
import { compileCount, compileTake } from './take.js';
import { compileUnion } from './union.js';
import { compileJoin, compileLookup } from './join.js';
import { compileMvExpand } from './mvexpand.js';
import { compileParse } from './parse.js';
import { compileMakeSeries } from './makeseries.js';
import { compileMvApply } from './mvapply.js';
import { compileParseKv } from './parsekv.js';
import { compileSample, compileSampleDistinct, compileTopHitters, compileTopNested } from './ranking.js';
import { compileSearch } from './search.js';
import { compileFacet, compileFork, compileInvoke, compilePartition, compileReduce } from './subqueries.js';
import { compileScan } from './scan.js';
import { compileEvaluate } from './evaluate.js';

export function compileOperator(c: Compiler, input: Relation, op: QueryOperator, scope: Scope): Relation {
  c.ctx.checkpoint();
  switch (op.kind) {
    case 'Where': return compileWhere(c, input, op, scope);
    case 'Extend': return compileExtend(c, input, op, scope);
    case 'Project': return compileProject(c, input, op, scope);
    case 'ProjectAway': return compileProjectAway(c, input, op);
    case 'ProjectKeep': return compileProjectKeep(c, input, op);
    case 'ProjectRename': return compileProjectRename(c, input, op);
    case 'ProjectReorder': return compileProjectReorder(c, input, op);
    case 'Take': return compileTake(c, input, op, scope);
    case 'Count': return compileCount(c, input, op);
    case 'Summarize': return compileSummarize(c, input, op, scope);
    case 'Distinct': return compileDistinct(c, input, op, scope);
    case 'Sort': return compileSort(c, input, op, scope);
    case 'Top': return compileTop(c, input, op, scope);
    case 'Serialize': return compileSerialize(c, input, op, scope);
    case 'Union': return compileUnion(c, input, op, scope);
    case 'As': return compileAs(c, input, op, scope);
    case 'GetSchema': return compileGetSchema(c, input, op);
    case 'Render': return compileRender(c, input, op, scope);
    case 'Consume': return compileConsume(c, input, op);
    case 'Join': return compileJoin(c, input, op, scope);
    case 'Lookup': return compileLookup(c, input, op, scope);
    case 'MvExpand': return compileMvExpand(c, input, op, scope);
    case 'Parse': return compileParse(c, input, op, scope);
    case 'MakeSeries': return compileMakeSeries(c, input, op, scope);
    case 'MvApply': return compileMvApply(c, input, op, scope);
    case 'ParseKv': return compileParseKv(c, input, op, scope);
    case 'TopNested': return compileTopNested(c, input, op, scope);
    case 'TopHitters': return compileTopHitters(c, input, op, scope);
    case 'Sample': return compileSample(c, input, op, scope);
    case 'SampleDistinct': return compileSampleDistinct(c, input, op, scope);
    case 'Search': return compileSearch(c, input, op, scope);
    case 'Fork': return compileFork(c, input, op, scope);
    case 'Facet': return compileFacet(c, input, op, scope);
    case 'Partition': return compilePartition(c, input, op, scope);
    case 'Invoke': return compileInvoke(c, input, op, scope);
    case 'Scan': return compileScan(c, input, op, scope);
    case 'Evaluate': return compileEvaluate(c, input, op, scope);
    case 'Reduce': return compileReduce(c, input, op);
    default:
      throw new NotSupportedError(`the '${op.keyword}' operator`, op.start, op.end);
  }
}
