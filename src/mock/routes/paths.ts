// The mock's route paths: ids must be UUIDs, as Dify's routes require, or the not-found fallback answers.
export const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

export const DATASET_PATH = `/v1/datasets/:dataset_id{${UUID}}`;
export const DOCUMENT_PATH = `${DATASET_PATH}/documents/:document_id{${UUID}}`;
