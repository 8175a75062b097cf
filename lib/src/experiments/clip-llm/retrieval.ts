import { balancedSubset, loadFood101, prettyClassName, type Food101 } from "../../data";
import { clipLite } from "../../models";

/** One query's top-k images, ready for show.markdown(heading) + show.images(images). */
export interface QueryResult {
  query: string;
  heading: string;
  images: { src: string; caption: string }[];
  /** Pretty class names of the retrieved images, best first. */
  classes: string[];
}

export interface FoodGallery {
  food: Food101;
  vecs: Float32Array[];
}

/** The Food-101 gallery (train then test; `gallerySize` images drawn evenly across classes, 0 = all) embedded with the image–text model (cached on disk). */
export async function embedFoodGallery(
  dual: clipLite.DualEncoder,
  o: { foodRoot: string; gallerySize?: number; seed?: number },
): Promise<FoodGallery> {
  const food = balancedSubset(loadFood101({ root: o.foodRoot, split: "all" }), o.gallerySize ?? 0, o.seed ?? 0);
  return { food, vecs: await dual.embedImages(food.items.map((it) => it.path)) };
}

function topImages(g: FoodGallery, top: { index: number; score: number }[]): QueryResult["images"] {
  return top.map((t) => ({
    src: g.food.items[t.index].path,
    caption: `${prettyClassName(g.food.items[t.index].className)} · ${t.score.toFixed(3)}`,
  }));
}

export interface ClassRetrieval {
  /** "a photo of apple pie, a type of food." per class, in class order. */
  queries: string[];
  queryVecs: Float32Array[];
  results: QueryResult[];
}

/** The top-k gallery images for each class-name query, with how many are of the queried class. */
export async function retrieveClassNames(
  dual: clipLite.DualEncoder,
  g: FoodGallery,
  o: { retrievalK: number },
): Promise<ClassRetrieval> {
  const classNames = g.food.classNames;
  const queries = classNames.map((c) => clipLite.classQuery(c, "food"));
  const queryVecs = await dual.embedTexts(queries);
  const top = clipLite.retrieveTopK(queryVecs, g.vecs, o.retrievalK);
  const results = queries.map((query, q) => {
    const hits = top[q].filter((t) => g.food.items[t.index].label === q).length;
    return {
      query,
      heading: `**"${query}"** — ${hits}/${o.retrievalK} of class ${prettyClassName(classNames[q])}`,
      images: topImages(g, top[q]),
      classes: top[q].map((t) => prettyClassName(g.food.items[t.index].className)),
    };
  });
  return { queries, queryVecs, results };
}

/** The top-k gallery images for each free-form query. */
export async function retrieveFreeQueries(
  dual: clipLite.DualEncoder,
  g: FoodGallery,
  o: { freeQueries: string[]; retrievalK: number },
): Promise<QueryResult[]> {
  const vecs = await dual.embedTexts(o.freeQueries);
  const top = clipLite.retrieveTopK(vecs, g.vecs, o.retrievalK);
  return o.freeQueries.map((query, q) => ({
    query,
    heading: `**"${query}"**`,
    images: topImages(g, top[q]),
    classes: top[q].map((t) => prettyClassName(g.food.items[t.index].className)),
  }));
}

/** The free-form summary table (saved with the results as `freeQueries`). */
export function freeQuerySummary(results: readonly QueryResult[]): { query: string; "classes in top k": string }[] {
  return results.map((r) => ({ query: r.query, "classes in top k": r.classes.join(", ") }));
}

export interface TestSplitRetrieval {
  metrics: clipLite.ClassRetrievalMetrics;
  testImages: number;
  classNames: string[];
  rows: { query: string; "correct in top 5": number }[];
}

/** Class-name retrieval measured on the test split only (images the heads never saw). */
export function testSplitRetrieval(
  g: FoodGallery,
  classes: ClassRetrieval,
  o: { foodRoot: string },
): TestSplitRetrieval {
  const testPaths = new Set(loadFood101({ root: o.foodRoot, split: "test" }).items.map((it) => it.path));
  const testIdx = g.food.items.flatMap((it, i) => (testPaths.has(it.path) ? [i] : []));
  const classNames = g.food.classNames;
  const metrics = clipLite.classRetrievalMetrics(
    classes.queryVecs,
    testIdx.map((i) => g.vecs[i]),
    testIdx.map((i) => g.food.items[i].label),
    classNames.map((_, c) => c),
  );
  const rows = classNames.map((_, q) => ({ query: classes.queries[q], "correct in top 5": metrics.hitsInTop5[q] }));
  return { metrics, testImages: testIdx.length, classNames, rows };
}
