/** A table a step hands the notebook: rows and display options, spread into `show.table(...view)`. */
export type TableView = [rows: Array<Record<string, unknown>>, options: { caption?: string; digits?: number }];
