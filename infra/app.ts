// The one definition of Ticketer: `cdk synth` turns it into cdk.out, which AWS
// (cdk deploy), LocalStack (cdklocal deploy) and the local stack (infra/local)
// all run.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addTicketerStacks } from './stacks/ticketer';

const app = new App();
addTicketerStacks(app);
// AWS Solutions security checks at every synthesis: an error not acknowledged (with its reason) in
// infra/nag-suppressions.ts fails `cdk synth`/`cdk deploy` (docs/deploy.md, "Security checks (cdk-nag)").
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
