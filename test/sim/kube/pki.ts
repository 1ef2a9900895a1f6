// The simulator's PKI, as kubeadm, kind and k3s set it up: one CA signs the API server's
// serving certificate and the users' client certificates (CN = user name, O = groups).
// ECDSA P-256 through WebCrypto: milliseconds, nothing on disk.
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

export interface ClientCert {
  certPem: string;
  keyPem: string;
}

export interface SimPki {
  caPem: string;
  certPem: string;
  keyPem: string;
  /** A client certificate signed by the CA: CN = user, one O per group. */
  issueClient(user: string, groups?: string[]): Promise<ClientCert>;
}

const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').trimEnd();
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

// Serials must be positive for Go's x509 (kubectl): keep the first hex digit below 8.
function serial(): string {
  return '1' + Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex');
}

// Distinguished-name values are quoted so ':' and ',' in "system:masters" need no escaping rules.
const dnValue = (v: string) => `"${v.replace(/["\\]/g, '\\$&')}"`;

export async function makeSimPki(): Promise<SimPki> {
  const crypto = webcrypto;
  x509.cryptoProvider.set(crypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + 365 * 24 * 3600_000);
  const caKeys = (await crypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=kube-sim-ca',
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const caKeyId = await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey);

  async function leaf(subject: string, usage: x509.ExtendedKeyUsage, extra: x509.Extension[] = []): Promise<ClientCert> {
    const keys = (await crypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject,
      issuer: ca.subject,
      notBefore,
      notAfter,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: alg,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension([usage]),
        ...extra,
        caKeyId,
      ],
    });
    const keyDer = await crypto.subtle.exportKey('pkcs8', keys.privateKey);
    return { certPem: cert.toString('pem') + '\n', keyPem: pem('PRIVATE KEY', keyDer) };
  }

  const server = await leaf('CN=kube-apiserver', x509.ExtendedKeyUsage.serverAuth, [
    new x509.SubjectAlternativeNameExtension([
      { type: 'ip', value: '127.0.0.1' },
      { type: 'dns', value: 'localhost' },
    ]),
  ]);
  return {
    caPem: ca.toString('pem') + '\n',
    certPem: server.certPem,
    keyPem: server.keyPem,
    issueClient: (user, groups = []) =>
      leaf([...groups.map((g) => `O=${dnValue(g)}`), `CN=${dnValue(user)}`].join(', '), x509.ExtendedKeyUsage.clientAuth),
  };
}
