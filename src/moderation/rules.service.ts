import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config.js';
import { compileRuleSet, type CompiledRuleSet } from '../rules/engine.js';
import { loadRuleSetFile } from '../rules/rule-set.js';

/** The active rule set, compiled once. (RULES_FILE for now; later the versioned set in the database.) */
@Injectable()
export class RulesService {
  private compiled: CompiledRuleSet;
  private readonly log = new Logger(RulesService.name);

  constructor(config: AppConfig) {
    this.compiled = compileRuleSet(loadRuleSetFile(config.rulesFile));
    this.log.log(
      { file: config.rulesFile, banned: this.compiled.ruleSet.bannedWords.length, suspect: this.compiled.ruleSet.suspectWords.length },
      'rule set loaded',
    );
  }

  current(): CompiledRuleSet {
    return this.compiled;
  }
}
