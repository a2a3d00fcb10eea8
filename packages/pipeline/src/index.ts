/**
 * @lifeline/pipeline: Lifeline's import pipeline (a file, or any stream of lines or objects,
 * through the codec and the lifecycle rules into a log) and the checkpointed report, as a
 * library: what `lifeline import` and `lifeline report --db` do, callable from a service.
 *
 * @module @lifeline/pipeline
 */
export {
  readJsonLines,
  readCsv,
  readEvents,
  readHistory,
  jsonLinesOf,
  csvOf,
  decodeAll,
  decodeLine,
  decodeValue,
  byteLines,
  checkCsvHeader,
  csvRecordToObject,
  CSV_COLUMNS,
  NOT_UTF8,
  InvalidFile,
  type FileHistory,
  type Line,
} from './EventFile.js'
export * as Importer from './Importer.js'
export * as CheckpointedReport from './CheckpointedReport.js'
