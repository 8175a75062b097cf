import { createHmac, randomUUID } from "node:crypto";
import type { MessageHeader } from "@embedlab/kernel-ext";

/** A Jupyter protocol message (v5.3), as sent over ZeroMQ. */
export interface JupyterMessage {
  header: MessageHeader;
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
}
export type { MessageHeader };

const DELIM = Buffer.from("<IDS|MSG>");

/** HMAC-SHA256 over the four JSON frames, hex encoded (the protocol's signature). */
export function sign(key: string, frames: readonly (string | Buffer)[]): string {
  const h = createHmac("sha256", key);
  for (const f of frames) h.update(f);
  return h.digest("hex");
}

export function newMessage(session: string, msgType: string, content: Record<string, unknown>): JupyterMessage {
  return {
    header: {
      msg_id: randomUUID(),
      msg_type: msgType,
      session,
      username: "embedlab-ci",
      date: new Date().toISOString(),
      version: "5.3",
    },
    parent_header: {},
    metadata: {},
    content,
  };
}

/** Frames to send on a DEALER socket: delimiter, signature, header, parent, metadata, content. */
export function encode(key: string, msg: JupyterMessage): Buffer[] {
  const bodies = [msg.header, msg.parent_header, msg.metadata, msg.content].map((x) => Buffer.from(JSON.stringify(x)));
  return [DELIM, Buffer.from(sign(key, bodies)), ...bodies];
}

/** Parse received frames (any routing prefix before the delimiter is skipped); throws on a bad signature. */
export function decode(key: string, frames: readonly Buffer[]): JupyterMessage {
  const i = frames.findIndex((f) => f.equals(DELIM));
  if (i < 0 || frames.length < i + 6)
    throw new Error("malformed Jupyter message (no <IDS|MSG> delimiter or too few frames)");
  const sig = frames[i + 1].toString();
  const bodies = frames.slice(i + 2, i + 6);
  if (sign(key, bodies) !== sig) throw new Error("Jupyter message with an invalid HMAC signature");
  const [header, parent_header, metadata, content] = bodies.map(
    (b) => JSON.parse(b.toString()) as Record<string, unknown>,
  );
  return {
    header: header as unknown as MessageHeader,
    parent_header: parent_header as Partial<MessageHeader>,
    metadata,
    content,
  };
}
