// The one definition of Ticketer: `cdk synth` turns it into cdk.out, which AWS
// (cdk deploy), LocalStack (cdklocal deploy) and the local stack (infra/local)
// all run.
import { App } from 'aws-cdk-lib';
import { addNagChecks } from './nag-suppressions';
import { addTicketerStacks } from './stacks/ticketer';

const app = new App();
const stacks = addTicketerStacks(app);
// cdk-nag's AWS Solutions checks at every synthesis: an error not acknowledged (with its reason) in
// infra/nag-suppressions.ts fails `cdk synth`/`cdk deploy` (docs/deploy.md, "Security checks (cdk-nag)").
addNagChecks(app, stacks);
app.synth();
