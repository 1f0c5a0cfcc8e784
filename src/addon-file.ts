import { readFileSync } from 'node:fs';

/** napi's name for this machine's build target: linux-x64-gnu, linux-arm64-musl, darwin-arm64, win32-x64-msvc. */
export function napiPlatform(platform: string = process.platform, arch: string = process.arch): string {
  if (platform === 'linux') return `linux-${arch}-${isMusl() ? 'musl' : 'gnu'}`;
  return platform === 'win32' ? `win32-${arch}-msvc` : `${platform}-${arch}`;
}

/**
 * musl or glibc: ldd is a script naming its C library; where it is missing, the process report
 * (slower: it gathers much more) says whether glibc runs this process.
 */
function isMusl(): boolean {
  try {
    return readFileSync('/usr/bin/ldd', 'utf8').includes('musl');
  } catch {
    try {
      const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
      return header !== undefined && header.glibcVersionRuntime === undefined;
    } catch {
      return false;
    }
  }
}

/** The addon's file name as `napi build --platform` writes it, here and in the platform package. */
export const nativeAddonFile = `stampede-native.${napiPlatform()}.node`;
/** The platform package npm picks for this machine (package.json optionalDependencies). */
export const platformPackage = `stampede-${napiPlatform()}`;
