import { EmbedlabError } from "../../core";

/** One instruction/response pair. */
export interface InstructionPair {
  instruction: string;
  response: string;
  /** Which part of the grammar it came from (appearance, habitat, …), when known. */
  topic?: string;
  /** Which fact of the grammar it states, as `topic/index` (e.g. "diet/0"), when known. */
  fact?: string;
  /**
   * The question template it was expanded from, without its leading `{ask}`-style prefix slot (e.g.
   * "Is {an} a carnivore?"), when known: every wording of one question shares it, so a split by question
   * keeps them all on one side.
   */
  question?: string;
}

const INSTRUCTION = "### Instruction:";
const OUTPUT = "### Output:";

/** The original write-up's training text: `### Instruction: <prompt> ### Output: <response>`. */
export function formatInstructionText(pair: InstructionPair): string {
  return `${INSTRUCTION} ${pair.instruction.trim()} ${OUTPUT} ${pair.response.trim()}`;
}

/** The prompt a model continues at sampling time: everything up to and including `### Output:`. */
export function instructionPrompt(instruction: string): string {
  return `${INSTRUCTION} ${instruction.trim()} ${OUTPUT}`;
}

/** Parse `### Instruction: … ### Output: …` back into a pair; throws if either marker is missing. */
export function parseInstructionText(text: string): InstructionPair {
  const i = text.indexOf(INSTRUCTION);
  const o = text.indexOf(OUTPUT);
  if (i !== 0 || o < 0 || o < i) {
    throw new EmbedlabError(
      `not an instruction pair: "${text.slice(0, 80)}"`,
      `each text must look like "${INSTRUCTION} <prompt> ${OUTPUT} <response>"`,
    );
  }
  return { instruction: text.slice(INSTRUCTION.length, o).trim(), response: text.slice(o + OUTPUT.length).trim() };
}
