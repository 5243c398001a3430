extension GreedySoupReport {
    /// The search as an SVG chart: each candidate's score against its step, kept and rejected
    /// marked, the best so far as a line, and the best individual score as a dashed line.
    public func svgPlot() -> String {
        var chart = SVGChart(title: "Greedy soup", xLabel: "step (ingredients tried, best first)", yLabel: minimize ? "score (lower is better)" : "score")
        var best: [(x: Double, y: Double)] = []
        for step in steps where step.kept { best.append((Double(step.step), step.candidateScore)) }
        if let last = steps.last, let lastBest = best.last, Double(last.step) > lastBest.x { best.append((Double(last.step), lastBest.y)) }
        chart.series = [
            SVGChart.Series(label: "soup so far", color: "#2b6cb0", marker: .line, points: Self.staircase(best)),
            SVGChart.Series(label: "kept", color: "#2f855a", marker: .circles, points: steps.filter(\.kept).map { (Double($0.step), $0.candidateScore) }),
            SVGChart.Series(label: "rejected", color: "#c53030", marker: .crosses, points: steps.filter { !$0.kept }.map { (Double($0.step), $0.candidateScore) }),
        ]
        chart.references = [SVGChart.ReferenceLine(label: "best individual", color: "#718096", y: bestIndividual.score)]
        return chart.render()
    }

    /// Points joined by horizontal then vertical segments: the best score held until it changes.
    private static func staircase(_ points: [(x: Double, y: Double)]) -> [(x: Double, y: Double)] {
        var result: [(x: Double, y: Double)] = []
        for point in points {
            if let previous = result.last, previous.y != point.y { result.append((point.x, previous.y)) }
            result.append(point)
        }
        return result
    }
}

extension LearnedSoupReport {
    /// The loss at each step as an SVG chart.
    public func svgPlot() -> String {
        var chart = SVGChart(title: "Learned soup (by \(weights.by.rawValue))", xLabel: "step", yLabel: "held-out loss")
        chart.series = [SVGChart.Series(label: "loss", color: "#2b6cb0", marker: .dots, points: steps.map { (Double($0.step), $0.loss) })]
        return chart.render()
    }
}
