// Operator CLI for local and AWS tables alike. With --local it talks to a running `npm start`
// (endpoints and names from .local/runtime.json); otherwise to AWS with the usual credentials and
// TABLE_NAME / WEBHOOK_QUEUE_URL / WEBHOOK_DLQ_URL / RECORDINGS_BUCKET / WEBHOOK_SECRETS_KEY_ID from the
// environment. Prints JSON. Webhook secrets are sealed with KMS before they are stored, and shown in
// clear once, in the answer of the command that made them.
//
// The command line is read and checked first, with nothing else loaded: `--help` and every mistake
// answer at once. Only a valid command loads the AWS SDK (run-command.ts), and only what it uses.
import { COMMANDS } from './command-catalog.ts';
import { readCommandLine } from './command-line.ts';
import { reportFailure } from './failure-line.ts';
import { commandHelp, generalHelp } from './help.ts';

async function main(args: string[]): Promise<number> {
  let local = args.includes('--local');
  try {
    const request = readCommandLine(args);
    if (request.kind === 'help') {
      const spec = request.command ? COMMANDS[request.command] : undefined;
      const text = spec && request.command ? commandHelp(request.command, spec) : generalHelp();
      // Asked for: the answer (stdout, success). No command at all: a mistake, shown with the commands.
      if (request.asked) console.log(text);
      else console.error(text);
      return request.asked ? 0 : 2;
    }
    local = request.local;
    const { runCommand } = await import('./run-command.ts');
    const result = await runCommand(request.command, request.options, request.local, process.env);
    console.log(JSON.stringify(result, null, 2));
    return 0;
  } catch (error) {
    const failure = reportFailure(error, local);
    console.error(failure.text);
    return failure.exitCode;
  }
}

process.exitCode = await main(process.argv.slice(2));
