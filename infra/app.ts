// The one definition of Ticketer: `cdk synth` turns it into cdk.out, which AWS
// (cdk deploy), LocalStack (cdklocal deploy) and the local stack (infra/local)
// all run.
import { App } from 'aws-cdk-lib';
import { addTicketerStacks } from './stacks/ticketer';

const app = new App();
addTicketerStacks(app);
app.synth();
