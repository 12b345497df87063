// The WebAuthn JSON converters: the API's base64url options into the buffers
// navigator.credentials takes, and its credentials back into JSON, where a browser lacks
// PublicKeyCredential.parse…FromJSON() and toJSON().

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  base64urlToBuffer,
  bufferToBase64url,
  creationOptionsFromJSON,
  credentialToJSON,
  requestOptionsFromJSON,
} from "../index.js";

const bytes = (buffer) => [...new Uint8Array(buffer)];
const buffer = (values) => new Uint8Array(values).buffer;

describe("base64url", () => {
  it("round-trips every length and every byte, with no padding and no + or /", () => {
    const all = Array.from({ length: 256 }, (_, i) => i);
    for (let length = 0; length <= 6; length += 1) {
      for (const start of [0, 0xfa, 0xfe]) {
        const values = Array.from({ length }, (_, i) => all[(start + i) % 256]);
        const text = bufferToBase64url(buffer(values));
        assert.match(text, /^[A-Za-z0-9_-]*$/);
        assert.equal(text, Buffer.from(values).toString("base64url"));
        assert.deepEqual(bytes(base64urlToBuffer(text)), values);
      }
    }
  });

  it("reads the bytes of a view, not its whole buffer", () => {
    const view = new Uint8Array([1, 2, 3, 4, 5]).subarray(1, 3);
    assert.equal(bufferToBase64url(view), Buffer.from([2, 3]).toString("base64url"));
  });

  for (const [name, value] of [
    ["standard base64's + and /", "+/+/"],
    ["padding", "AA=="],
    ["an impossible length", "AAAAA"],
    ["spaces", "AA AA"],
    ["not text", 42],
    ["null", null],
  ]) {
    it(`refuses ${name}`, () => {
      assert.throws(() => base64urlToBuffer(value), TypeError);
    });
  }
});

// Options as py_webauthn's options_to_json writes them.
const CREATION = {
  rp: { name: "localhost", id: "localhost" },
  user: { id: "q83vEjRWeJA", name: "alice@example.com", displayName: "alice" },
  challenge: "AAECAwQFBgcICQoLDA0ODw",
  pubKeyCredParams: [
    { type: "public-key", alg: -7 },
    { type: "public-key", alg: -257 },
  ],
  timeout: 300000,
  excludeCredentials: [{ id: "_-8", type: "public-key", transports: ["internal"] }],
  authenticatorSelection: { residentKey: "required", requireResidentKey: true, userVerification: "required" },
  attestation: "none",
  hints: [],
};

const REQUEST = {
  challenge: "AAECAwQFBgcICQoLDA0ODw",
  timeout: 300000,
  rpId: "localhost",
  allowCredentials: [{ id: "_-8", type: "public-key" }],
  userVerification: "preferred",
};

describe("options from the API's JSON", () => {
  it("creation options: the challenge, the user id and the excluded ids become buffers, the rest stays", () => {
    const before = structuredClone(CREATION);
    const options = creationOptionsFromJSON(CREATION);

    assert.deepEqual(bytes(options.challenge), [...Array(16).keys()]);
    assert.deepEqual(bytes(options.user.id), [0xab, 0xcd, 0xef, 0x12, 0x34, 0x56, 0x78, 0x90]);
    assert.equal(options.user.name, "alice@example.com");
    assert.deepEqual(bytes(options.excludeCredentials[0].id), [0xff, 0xef]);
    assert.deepEqual(options.excludeCredentials[0].transports, ["internal"]);
    assert.deepEqual(options.rp, CREATION.rp);
    assert.deepEqual(options.authenticatorSelection, CREATION.authenticatorSelection);
    assert.deepEqual(options.pubKeyCredParams, CREATION.pubKeyCredParams);
    assert.deepEqual(CREATION, before, "the API's JSON is not changed");
  });

  it("request options: the challenge and the allowed ids become buffers", () => {
    const options = requestOptionsFromJSON(REQUEST);

    assert.ok(options.challenge instanceof ArrayBuffer);
    assert.deepEqual(bytes(options.allowCredentials[0].id), [0xff, 0xef]);
    assert.equal(options.rpId, "localhost");
    assert.equal(options.userVerification, "preferred");
  });

  it("request options for a discoverable passkey keep an empty or missing allow list as it is", () => {
    assert.deepEqual(requestOptionsFromJSON({ ...REQUEST, allowCredentials: [] }).allowCredentials, []);
    const { allowCredentials, ...withoutList } = REQUEST;
    void allowCredentials;
    assert.equal("allowCredentials" in requestOptionsFromJSON(withoutList), false);
  });

  it("a challenge that is not base64url is refused before the browser sees it", () => {
    assert.throws(() => requestOptionsFromJSON({ ...REQUEST, challenge: "a+b/" }), TypeError);
    assert.throws(() => creationOptionsFromJSON({ ...CREATION, user: { ...CREATION.user, id: 5 } }), TypeError);
  });
});

describe("credentials to JSON", () => {
  const clientDataJSON = new TextEncoder().encode('{"type":"webauthn.get"}').buffer;

  it("a registration: rawId, clientDataJSON, attestationObject, transports, extension results", () => {
    const json = credentialToJSON({
      id: "_-8",
      rawId: buffer([0xff, 0xef]),
      type: "public-key",
      authenticatorAttachment: "platform",
      response: { clientDataJSON, attestationObject: buffer([1, 2, 3]), getTransports: () => ["internal", "hybrid"] },
      getClientExtensionResults: () => ({ credProps: { rk: true }, prf: { results: { first: buffer([9]) } } }),
    });

    assert.deepEqual(json, {
      id: "_-8",
      rawId: "_-8",
      type: "public-key",
      authenticatorAttachment: "platform",
      clientExtensionResults: { credProps: { rk: true }, prf: { results: { first: "CQ" } } },
      response: {
        clientDataJSON: Buffer.from(clientDataJSON).toString("base64url"),
        attestationObject: "AQID",
        transports: ["internal", "hybrid"],
      },
    });
  });

  it("an assertion: authenticatorData, signature, and the user handle or null", () => {
    const assertion = (userHandle) =>
      credentialToJSON({
        id: "AQ",
        rawId: buffer([1]),
        type: "public-key",
        authenticatorAttachment: null,
        response: { clientDataJSON, authenticatorData: buffer([5, 6]), signature: buffer([0xfb, 0xff]), userHandle },
        getClientExtensionResults: () => ({}),
      });

    const withHandle = assertion(buffer([7, 7]));
    assert.deepEqual(withHandle.response, {
      clientDataJSON: Buffer.from(clientDataJSON).toString("base64url"),
      authenticatorData: "BQY",
      signature: "-_8",
      userHandle: "Bwc",
    });
    assert.equal(withHandle.authenticatorAttachment, null);
    assert.equal(assertion(null).response.userHandle, null);
  });

  it("uses the browser's own toJSON() when the credential has one", () => {
    const native = { id: "x", rawId: "x", type: "public-key", response: { native: true }, clientExtensionResults: {} };
    assert.equal(credentialToJSON({ toJSON: () => native, response: {} }), native);
  });
});
