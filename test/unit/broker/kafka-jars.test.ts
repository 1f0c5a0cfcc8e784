import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { javaMajorVersion } from '../../../src/broker/java.js';
import { mavenRepoUrl } from '../../../src/broker/kafka-fetch.js';
import { jarRepositoryPath, kafkaLibsDir, kafkaVersionOf, parsePinnedJars, readPinnedJars, userCacheDir } from '../../../src/broker/kafka-jars.js';

test('the pinned list: every line a jar with a SHA-1, Kafka and the log binding among them', () => {
  const jars = readPinnedJars();
  assert.ok(jars.length > 50, `${jars.length} jars`);
  assert.is(kafkaVersionOf(jars), '4.3.1');
  assert.ok(jars.some((jar) => jar.artifactId === 'log4j-slf4j2-impl'));
  assert.is(new Set(jars.map((jar) => `${jar.artifactId}-${jar.version}.jar`)).size, jars.length, 'no two jars share a file name');
});

test('a jar in Maven repository layout', () => {
  const [jar] = parsePinnedJars('org.apache.kafka:kafka_2.13:4.3.1 0123456789abcdef0123456789abcdef01234567\n');
  assert.is(jarRepositoryPath(jar!), 'org/apache/kafka/kafka_2.13/4.3.1/kafka_2.13-4.3.1.jar');
});

test('a broken line names the file and the line', () => {
  assert.throws(() => parsePinnedJars('# comment\norg.apache.kafka:kafka_2.13:4.3.1 nothex\n', 'kafka-jars.txt'), /^kafka-jars\.txt:2: expected "groupId:artifactId:version sha1"/);
});

test('the user cache: XDG_CACHE_HOME when absolute, else ~/.cache; one folder per Kafka version', () => {
  assert.is(userCacheDir({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' }), '/x/cache/stampede');
  assert.is(userCacheDir({ XDG_CACHE_HOME: 'relative', HOME: '/home/u' }), '/home/u/.cache/stampede');
  assert.is(userCacheDir({ HOME: '/home/u' }), '/home/u/.cache/stampede');
  assert.is(kafkaLibsDir('4.3.1', { HOME: '/home/u' }), '/home/u/.cache/stampede/kafka/4.3.1/libs');
});

test('the repository: --maven-repo, else STAMPEDE_MAVEN_REPO, else Central; anything but http(s) refused naming its origin', () => {
  assert.is(mavenRepoUrl(undefined, {}), 'https://repo1.maven.org/maven2');
  assert.is(mavenRepoUrl(undefined, { STAMPEDE_MAVEN_REPO: 'https://nexus.corp/repo/' }), 'https://nexus.corp/repo');
  assert.is(mavenRepoUrl('http://127.0.0.1:8081/m2', { STAMPEDE_MAVEN_REPO: 'https://nexus.corp/repo' }), 'http://127.0.0.1:8081/m2');
  assert.throws(() => mavenRepoUrl(undefined, { STAMPEDE_MAVEN_REPO: 'file:///srv/m2' }), /^STAMPEDE_MAVEN_REPO must be an http\(s\) URL/);
  assert.throws(() => mavenRepoUrl('not a url', {}), /^--maven-repo must be an http\(s\) URL/);
});

test('java -version: the major version, old and new schemes', () => {
  assert.is(javaMajorVersion('openjdk version "17.0.9" 2023-10-17'), 17);
  assert.is(javaMajorVersion('openjdk version "21" 2023-09-19'), 21);
  assert.is(javaMajorVersion('java version "1.8.0_392"'), 8);
  assert.is(javaMajorVersion('no version here'), undefined);
});

test.run();
