#!/usr/bin/env python3
"""Writes a deid tagger (models/ner) as an ONNX graph for the optional ONNX Runtime backend.

    python3 models/export_onnx.py models/ner target/onnx/ner.onnx          # f32
    python3 models/export_onnx.py models/ner target/onnx/ner.int8.onnx --int8

Needs `pip install onnx onnxruntime numpy safetensors` (evaluation/peers/onnx_setup.sh
installs them in a virtual environment under target/). The graph is written by hand
from `model.safetensors` and `config.json`, with ONNX Runtime's fused CPU operators
(`Attention`, `SkipLayerNormalization`, `BiasGelu`), so it computes exactly what
`src/ner/model.rs` computes in inference mode:

    x = LayerNorm(word[ids] + position[0..S] + token_type[0] + case[case_ids])
    per layer:  a = LayerNorm(x + Attention(x, mask) W_o + b_o)
                x = LayerNorm(a + Gelu_erf(a W_1 + b_1) W_2 + b_2)
    probs = softmax(x W_c + b_c)

Inputs: `input_ids`, `case_ids` (int64, [batch, len]) and `attention_mask` (int32,
1 for real pieces, 0 for padding). Output: `probs` (f32, [batch, len, tags]).
Padding is masked with -10000 as in the candle model.

`--int8` then applies ONNX Runtime's dynamic quantisation (int8 weights, uint8
activations quantised per batch) to the attention and matrix products: 4x smaller
weights and integer matrix kernels. It changes the numbers slightly; the parity
test and the recall figures in BENCHMARKS.md measure by how much.
"""

import argparse
import json
import os
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from safetensors.numpy import load_file

MS = "com.microsoft"


def build(model_dir):
    cfg = json.load(open(os.path.join(model_dir, "config.json")))
    w = {k: v.astype(np.float32) for k, v in load_file(os.path.join(model_dir, "model.safetensors")).items()}
    hidden, heads, eps = cfg["hidden_size"], cfg["num_attention_heads"], cfg["layer_norm_eps"]
    inits, nodes = [], []

    def const(name, array):
        inits.append(numpy_helper.from_array(np.ascontiguousarray(array, dtype=array.dtype), name))
        return name

    def node(op, inputs, outputs, domain=None, **attrs):
        nodes.append(helper.make_node(op, inputs, outputs, domain=domain, **attrs))
        return outputs[0]

    # Embeddings. token_type is always 0, so its row is folded into the position table.
    e = "embeddings."
    const("word", w[e + "word_embeddings.weight"])
    const("position", w[e + "position_embeddings.weight"] + w[e + "token_type_embeddings.weight"][0])
    const("zero", np.array([0], dtype=np.int64))
    const("one", np.array([1], dtype=np.int64))
    node("Shape", ["input_ids"], ["shape"])
    const("two", np.array([2], dtype=np.int64))
    node("Slice", ["shape", "one", "two"], ["len"])
    node("Slice", ["position", "zero", "len", "zero"], ["pos"])
    x = node("Gather", ["word", "input_ids"], ["emb_word"])
    x = node("Add", [x, "pos"], ["emb_pos"])
    if "embeddings.case_embeddings.weight" in w:
        const("case", w[e + "case_embeddings.weight"])
        c = node("Gather", ["case", "case_ids"], ["emb_case"])
        x = node("Add", [x, c], ["emb_sum"])
    x = node(
        "LayerNormalization",
        [x, const("emb_ln_w", w[e + "LayerNorm.weight"]), const("emb_ln_b", w[e + "LayerNorm.bias"])],
        ["emb_out"],
        axis=-1,
        epsilon=eps,
    )

    def output_block(inp, residual, prefix, name):
        """BERT's `<prefix>output`: LayerNorm(residual + inp W + b), as one MatMul and one SkipLayerNormalization."""
        out = node("MatMul", [inp, const(f"{name}_w", w[prefix + "output.dense.weight"].T)], [f"{name}_dense"])
        return node(
            "SkipLayerNormalization",
            [
                out,
                residual,
                const(f"{name}_ln_w", w[prefix + "output.LayerNorm.weight"]),
                const(f"{name}_ln_b", w[prefix + "output.LayerNorm.bias"]),
                const(f"{name}_b", w[prefix + "output.dense.bias"]),
            ],
            [name],
            domain=MS,
            epsilon=eps,
        )

    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        a = p + "attention."
        # Linear weights are [out, in]; Attention wants [in, 3 * hidden] with Q, K, V side by side.
        qkv_w = np.concatenate([w[a + f"self.{n}.weight"].T for n in ("query", "key", "value")], axis=1)
        qkv_b = np.concatenate([w[a + f"self.{n}.bias"] for n in ("query", "key", "value")])
        ctx = node(
            "Attention",
            [x, const(f"l{i}_qkv_w", qkv_w), const(f"l{i}_qkv_b", qkv_b), "attention_mask"],
            [f"l{i}_ctx"],
            domain=MS,
            num_heads=heads,
            mask_filter_value=-10000.0,
        )
        x = output_block(ctx, x, a, f"l{i}_att")
        h = node("MatMul", [x, const(f"l{i}_in_w", w[p + "intermediate.dense.weight"].T)], [f"l{i}_in"])
        h = node("BiasGelu", [h, const(f"l{i}_in_b", w[p + "intermediate.dense.bias"])], [f"l{i}_gelu"], domain=MS)
        x = output_block(h, x, p, f"l{i}_x")

    logits = node("MatMul", [x, const("cls_w", w["classifier.weight"].T)], ["cls"])
    logits = node("Add", [logits, const("cls_b", w["classifier.bias"])], ["logits"])
    node("Softmax", [logits], ["probs"], axis=-1)

    tags = w["classifier.weight"].shape[0]
    graph = helper.make_graph(
        nodes,
        "deid-ner",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "len"]),
            helper.make_tensor_value_info("case_ids", TensorProto.INT64, ["batch", "len"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT32, ["batch", "len"]),
        ],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, ["batch", "len", tags])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid(MS, 1)])
    model.producer_name = "deid models/export_onnx.py"
    return model


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model_dir", help="a deid tagger directory (config.json, model.safetensors)")
    ap.add_argument("out", help="the .onnx file to write")
    ap.add_argument("--int8", action="store_true", help="quantise matrix products to int8 (dynamic)")
    args = ap.parse_args()
    model = build(args.model_dir)
    onnx.checker.check_model(model)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    if not args.int8:
        onnx.save(model, args.out)
    else:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        with tempfile.TemporaryDirectory() as tmp:
            f32 = os.path.join(tmp, "f32.onnx")
            onnx.save(model, f32)
            quantize_dynamic(
                f32,
                args.out,
                weight_type=QuantType.QInt8,
                # A scale per output column: closer to the f32 model than one per matrix
                # (presidio-synth recall 0.951 vs 0.946 with the 3-layer tagger), same speed.
                per_channel=True,
                op_types_to_quantize=["MatMul", "Attention"],
                # Shape inference cannot see through the com.microsoft operators.
                extra_options={"DefaultTensorType": TensorProto.FLOAT},
            )
    print(f"wrote {args.out} ({os.path.getsize(args.out) / 1e6:.1f} MB)", file=sys.stderr)


if __name__ == "__main__":
    main()
