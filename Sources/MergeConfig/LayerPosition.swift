/// Where a tensor lies in the model, as mergekit's gradients see it: t = i / (L − 1) for a tensor
/// of layer i (a name containing `layers.i.`) among L layers (t = 1 when L = 1); tensors outside
/// the layers get t = 0 when they come before them (embeddings: a name containing `embed`, `wte`
/// or `wpe`) and t = 1 after (final norm, output head), as mergekit plans an architecture's
/// pre- and post-layer weights. L is one more than the largest layer index among the names.
struct LayerPosition {
    private let layerCount: Int

    init(tensorNames: [String]) {
        layerCount = (tensorNames.compactMap(Self.layerIndex).max() ?? -1) + 1
    }

    /// The layer index in `name`: the digits after the first `layers.` followed by a dot.
    static func layerIndex(of name: String) -> Int? {
        var rest = Substring(name)
        while let range = rest.range(of: "layers.") {
            let digits = rest[range.upperBound...].prefix(while: \.isASCII).prefix(while: \.isNumber)
            let after = rest[range.upperBound...].dropFirst(digits.count)
            if !digits.isEmpty, after.first == ".", let index = Int(digits) { return index }
            rest = rest[range.upperBound...]
        }
        return nil
    }

    /// The position t ∈ [0, 1] of tensor `name`.
    func t(forTensor name: String) -> Double {
        if let index = Self.layerIndex(of: name) {
            return layerCount > 1 ? Double(index) / Double(layerCount - 1) : 1
        }
        let beforeLayers = ["embed", "wte", "wpe"].contains { name.contains($0) }
        return beforeLayers ? 0 : 1
    }
}
