// A stand-in for navigator.credentials: it holds passkeys and answers create() and get() with
// objects shaped like a browser's PublicKeyCredential (ArrayBuffers, getTransports(),
// getClientExtensionResults()), and refuses options whose binary fields are not buffers, so a
// conversion the client forgot fails here as it would in a browser. It signs nothing: the fake
// API checks the challenge in clientDataJSON and the credential id.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";

const encoder = new TextEncoder();
const toBuffer = (bytes) => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
const text = (buffer) => Buffer.from(buffer).toString("base64url");

function assertBuffer(value, name) {
  assert.ok(value instanceof ArrayBuffer || ArrayBuffer.isView(value), `${name} must be a BufferSource`);
}

/**
 * The authenticator. `answer` may be replaced to make the next ceremony fail as a browser
 * does (e.g. `() => Promise.reject(new DOMException("…", "NotAllowedError"))`).
 */
export function fakeCredentials({ origin = "http://app.example.test", withToJSON = false } = {}) {
  const held = new Map(); // credential id (base64url) -> {userHandle}
  const calls = [];

  function credential(kind, id, response) {
    const made = {
      id,
      rawId: toBuffer(Buffer.from(id, "base64url")),
      type: "public-key",
      authenticatorAttachment: "platform",
      response,
      getClientExtensionResults: () => (kind === "create" ? { credProps: { rk: true } } : {}),
    };
    if (withToJSON) made.toJSON = () => ({ id, rawId: id, type: "public-key", response: { native: true }, clientExtensionResults: {} });
    return made;
  }

  const fake = {
    held,
    calls,
    answer: null,
    async create(request) {
      calls.push({ kind: "create", ...request });
      if (fake.answer) return fake.answer(request);
      const { publicKey } = request;
      assertBuffer(publicKey.challenge, "challenge");
      assertBuffer(publicKey.user.id, "user.id");
      for (const excluded of publicKey.excludeCredentials || []) {
        assertBuffer(excluded.id, "excludeCredentials[].id");
        if (held.has(text(excluded.id))) throw new DOMException("Already registered.", "InvalidStateError");
      }
      const id = randomBytes(16).toString("base64url");
      held.set(id, { userHandle: publicKey.user.id });
      const clientData = { type: "webauthn.create", challenge: text(publicKey.challenge), origin };
      return credential("create", id, {
        clientDataJSON: toBuffer(encoder.encode(JSON.stringify(clientData))),
        attestationObject: toBuffer(new Uint8Array([0xa3, 0x63, 0x66, 0x6d, 0x74])),
        getTransports: () => ["internal"],
      });
    },
    async get(request) {
      calls.push({ kind: "get", ...request });
      if (fake.answer) return fake.answer(request);
      const { publicKey } = request;
      assertBuffer(publicKey.challenge, "challenge");
      const allowed = (publicKey.allowCredentials || []).map((descriptor) => {
        assertBuffer(descriptor.id, "allowCredentials[].id");
        return text(descriptor.id);
      });
      const id = [...held.keys()].find((candidate) => !allowed.length || allowed.includes(candidate));
      if (!id) throw new DOMException("No passkey for this site.", "NotAllowedError");
      const clientData = { type: "webauthn.get", challenge: text(publicKey.challenge), origin };
      return credential("get", id, {
        clientDataJSON: toBuffer(encoder.encode(JSON.stringify(clientData))),
        authenticatorData: toBuffer(new Uint8Array(37)),
        signature: toBuffer(new Uint8Array([0x30, 0x44, 0xfb, 0xff])),
        userHandle: held.get(id).userHandle,
      });
    },
  };
  return fake;
}
