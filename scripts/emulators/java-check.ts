// DynamoDB Local runs on Java 17+, started through a single-file source program (LocalhostDynamoDB.java),
// which the java launcher compiles in memory with the runtime's own compiler module (jdk.compiler). A
// runtime without it (a JRE) fails with "A JNI error has occurred… Module jdk.compiler not in boot
// Layer"; this says so before anything starts.
import { access, constants, readFile, realpath } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { StartupProblem } from './startup-problem.ts';

const INSTALL = 'install a JDK 17+ (e.g. sudo apt-get install openjdk-17-jdk-headless)';

/**
 * Checks the `java` that `PATH` leads to: present, 17 or later, with the compiler module. The runtime's
 * `release` file answers (its JAVA_VERSION and MODULES); a runtime without one (a version manager's
 * shim) passes when `javac` is on `PATH` too. Throws a {@link StartupProblem} saying what to install.
 */
export async function checkJavaForDynamoDbLocal(path: string): Promise<void> {
  const java = await findOnPath('java', path);
  if (!java) throw new StartupProblem(`no java on PATH: DynamoDB Local needs Java; ${INSTALL}`);
  const release = await readRelease(join(dirname(dirname(await realpath(java))), 'release'));
  if (release) {
    const major = majorVersion(release.JAVA_VERSION ?? '');
    if (major !== undefined && major < 17)
      throw new StartupProblem(`${java} is Java ${major}: DynamoDB Local needs Java 17+; ${INSTALL}`);
    if (release.MODULES !== undefined && !release.MODULES.split(' ').includes('jdk.compiler'))
      throw new StartupProblem(
        `${java} is a Java runtime without the compiler (jdk.compiler) DynamoDB Local's launcher needs; ${INSTALL}`,
      );
    return;
  }
  if (!(await findOnPath('javac', path)))
    throw new StartupProblem(
      `no javac on PATH: DynamoDB Local's launcher needs a JDK, not only a Java runtime; ${INSTALL}`,
    );
}

/** `JAVA_VERSION` "17.0.15" → 17, "1.8.0_392" → 8. */
function majorVersion(version: string): number | undefined {
  const [first, second] = version.split('.').map(Number);
  if (first === undefined || Number.isNaN(first)) return undefined;
  return first === 1 && second !== undefined ? second : first;
}

async function readRelease(file: string): Promise<Record<string, string> | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  return Object.fromEntries(
    [...text.matchAll(/^([A-Z_]+)="?([^"\n]*)"?$/gm)].map((match) => [
      match[1] as string,
      match[2] as string,
    ]),
  );
}

/** The executable `name` the way a shell (and spawn) finds it on `path`. */
async function findOnPath(name: string, path: string): Promise<string | undefined> {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    if (
      await access(candidate, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  return undefined;
}
