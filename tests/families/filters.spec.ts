// Generated checks of the filters family (tests/families/families.yaml) for every operation it applies to.
import { checksOf } from '../../src/checks';
import { test } from '../../src/fixtures';

for (const check of checksOf(__filename)) test(...check);
