//! The OpenAPI 3 description, built from [`super::ROUTES`] so the two cannot
//! drift apart; `tests/server_http.rs` validates real responses against these schemas.

use super::config::Permission;
use super::ROUTES;
use crate::span::Label;
use serde_json::{json, Map, Value};

fn r(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn schemas() -> Value {
    let labels: Vec<&str> = Label::ALL.iter().map(|l| l.as_str()).collect();
    json!({
        "Label": { "type": "string", "enum": labels },
        "Id": { "oneOf": [ { "type": "string", "maxLength": 256 }, { "type": "integer" } ],
                "description": "Chosen by the client, echoed in results, never logged." },
        "Options": {
            "type": "object", "additionalProperties": false,
            "properties": {
                "placeholder": { "type": "string", "enum": ["label", "numbered", "surrogate"] },
                "keep_year": { "type": "boolean" },
                "keep_labels": { "type": "array", "items": r("Label"),
                                 "description": "Labels left in the text, on top of the server's keep_labels." },
                "format": { "type": "string", "enum": ["vtt", "srt", "turns", "words-json", "json", "text", "auto"],
                            "description": "/v1/redact only: the text is a transcript, returned in its own format; spans are code points of its spoken text. Not with the other options." }
            }
        },
        "Document": {
            "type": "object", "additionalProperties": false, "required": ["text"],
            "properties": { "id": r("Id"), "text": { "type": "string" } }
        },
        "SingleRequest": {
            "type": "object", "additionalProperties": false, "required": ["text"],
            "properties": { "id": r("Id"), "text": { "type": "string" }, "options": r("Options") }
        },
        "BatchRequest": {
            "type": "object", "additionalProperties": false, "required": ["documents"],
            "properties": { "documents": { "type": "array", "items": r("Document") }, "options": r("Options") }
        },
        "Request": { "oneOf": [ r("SingleRequest"), r("BatchRequest") ] },
        "Span": {
            "type": "object", "additionalProperties": false, "required": ["start", "end", "label", "score", "source"],
            "description": "Unicode code-point offsets into the original text, end exclusive.",
            "properties": {
                "start": { "type": "integer" }, "end": { "type": "integer" }, "label": r("Label"),
                "subtype": { "type": "string" }, "score": { "type": "number" },
                "source": { "type": "string", "enum": ["pattern", "dictionary", "ner", "spoken", "rule"] }
            }
        },
        "RedactEntry": {
            "type": "object", "additionalProperties": false, "required": ["text", "spans"],
            "properties": { "id": r("Id"), "text": { "type": "string" }, "spans": { "type": "array", "items": r("Span") } }
        },
        "DetectEntry": {
            "type": "object", "additionalProperties": false, "required": ["spans"],
            "properties": { "id": r("Id"), "spans": { "type": "array", "items": r("Span") } }
        },
        "ErrorDetail": {
            "type": "object", "additionalProperties": false, "required": ["code", "message"],
            "properties": { "code": { "type": "string" }, "message": { "type": "string" } }
        },
        "ErrorEntry": {
            "type": "object", "additionalProperties": false, "required": ["error"],
            "description": "A document (or NDJSON line) that failed; its text is never echoed.",
            "properties": { "id": r("Id"), "line": { "type": "integer" }, "error": r("ErrorDetail") }
        },
        "RedactResponse": {
            "type": "object", "additionalProperties": false, "required": ["request_id", "text", "spans"],
            "properties": { "request_id": { "type": "string" }, "id": r("Id"), "text": { "type": "string" },
                            "spans": { "type": "array", "items": r("Span") } }
        },
        "DetectResponse": {
            "type": "object", "additionalProperties": false, "required": ["request_id", "spans"],
            "properties": { "request_id": { "type": "string" }, "id": r("Id"), "spans": { "type": "array", "items": r("Span") } }
        },
        "RedactBatchResponse": {
            "type": "object", "additionalProperties": false, "required": ["request_id", "documents"],
            "properties": { "request_id": { "type": "string" },
                            "documents": { "type": "array", "items": { "oneOf": [ r("RedactEntry"), r("ErrorEntry") ] } } }
        },
        "DetectBatchResponse": {
            "type": "object", "additionalProperties": false, "required": ["request_id", "documents"],
            "properties": { "request_id": { "type": "string" },
                            "documents": { "type": "array", "items": { "oneOf": [ r("DetectEntry"), r("ErrorEntry") ] } } }
        },
        "Error": {
            "type": "object", "additionalProperties": false, "required": ["error", "request_id"],
            "properties": { "error": r("ErrorDetail"), "request_id": { "type": "string" } }
        },
        "Health": {
            "type": "object", "additionalProperties": false, "required": ["status"],
            "properties": { "status": { "type": "string", "enum": ["ok"] } }
        },
        "Ready": {
            "type": "object", "additionalProperties": false, "required": ["status", "detectors"],
            "properties": { "status": { "type": "string", "enum": ["ready", "shutting_down", "audit_unavailable"] }, "detectors": { "type": "integer" } }
        }
    })
}

fn error_responses(codes: &[(&str, &str)]) -> Map<String, Value> {
    codes
        .iter()
        .map(|(code, why)| ((*code).to_string(), json!({ "description": why, "content": { "application/json": { "schema": r("Error") } } })))
        .collect()
}

fn v1_operation(path: &str) -> Value {
    let (summary, single, batch, entry) = if path == "/v1/redact" {
        ("Redact documents: the text with identifiers replaced, and the spans removed.", "RedactResponse", "RedactBatchResponse", "RedactEntry")
    } else {
        ("Detect identifiers: spans only, no text.", "DetectResponse", "DetectBatchResponse", "DetectEntry")
    };
    let mut responses = error_responses(&[
        ("400", "Malformed JSON, invalid UTF-8, bad options or ids."),
        ("401", "No or unknown API key."),
        ("403", "The key's role does not allow this route."),
        ("413", "Body, document or document count over the limit."),
        ("415", "Content-Type is neither application/json nor application/x-ndjson."),
        ("500", "The engine failed on the (single) document, or the audit log cannot be written; nothing is returned."),
        ("503", "Concurrency limit reached or audit log unavailable (with Retry-After), request timeout, or work cancelled."),
    ]);
    responses.insert(
        "200".into(),
        json!({
            "description": "Results, one per document, in order. A document that failed carries an error entry instead.",
            "content": {
                "application/json": { "schema": { "oneOf": [ r(single), r(batch) ] } },
                "application/x-ndjson": { "schema": { "oneOf": [ r(entry), r("ErrorEntry") ] },
                                          "description": "One JSON object per line, in input order." }
            }
        }),
    );
    json!({
        "summary": summary,
        "operationId": path.trim_start_matches("/v1/"),
        "security": [ { "bearer": [] } ],
        "parameters": [
            { "name": "placeholder", "in": "query", "required": false, "description": "NDJSON only (JSON: options.placeholder).",
              "schema": { "type": "string", "enum": ["label", "numbered", "surrogate"] } },
            { "name": "keep_year", "in": "query", "required": false, "description": "NDJSON only.", "schema": { "type": "boolean" } },
            { "name": "keep_labels", "in": "query", "required": false, "description": "NDJSON only: comma-separated labels.",
              "schema": { "type": "string" } },
            { "name": "format", "in": "query", "required": false, "description": "NDJSON only, /v1/redact: transcript format.",
              "schema": { "type": "string", "enum": ["vtt", "srt", "turns", "words-json", "json", "text", "auto"] } }
        ],
        "requestBody": {
            "required": true,
            "content": {
                "application/json": { "schema": r("Request") },
                "application/x-ndjson": { "schema": r("Document"), "description": "One Document per line; blank lines are skipped." }
            }
        },
        "responses": responses
    })
}

fn operation(path: &str, permission: Option<Permission>) -> Value {
    let mut op = match path {
        "/v1/redact" | "/v1/detect" => return v1_operation(path),
        "/healthz" => json!({ "summary": "Liveness.", "responses": { "200": { "description": "Alive.",
            "content": { "application/json": { "schema": r("Health") } } } } }),
        "/readyz" => json!({ "summary": "Readiness: the engine is loaded and the server is not shutting down.", "responses": {
            "200": { "description": "Ready.", "content": { "application/json": { "schema": r("Ready") } } },
            "503": { "description": "Shutting down, or the audit log cannot be written.", "content": { "application/json": { "schema": r("Ready") } } } } }),
        "/metrics" => json!({ "summary": "Prometheus metrics (counts and latencies, never PHI).", "responses": {
            "200": { "description": "Text exposition format.", "content": { "text/plain": { "schema": { "type": "string" } } } } } }),
        "/openapi.json" => json!({ "summary": "This document.", "responses": {
            "200": { "description": "OpenAPI 3.", "content": { "application/json": { "schema": { "type": "object" } } } } } }),
        other => unreachable!("no description for {other}"),
    };
    if permission.is_some() {
        let o = op.as_object_mut().expect("object");
        o.insert("security".into(), json!([ { "bearer": [] } ]));
        let responses = o.get_mut("responses").and_then(Value::as_object_mut).expect("responses");
        responses.extend(error_responses(&[("401", "No or unknown API key."), ("403", "The key's role does not allow /metrics.")]));
    }
    op
}

/// The OpenAPI document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for spec in ROUTES {
        let entry = paths.entry(spec.path).or_insert_with(|| json!({}));
        entry.as_object_mut().expect("object").insert(spec.method.to_ascii_lowercase(), operation(spec.path, spec.permission));
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "deid",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Removes HIPAA Safe Harbor identifiers from clinical text and transcripts. Offsets are Unicode code points."
        },
        "paths": paths,
        "components": {
            "schemas": schemas(),
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer", "description": "An API key from `deid keys create`." } }
        }
    })
}
