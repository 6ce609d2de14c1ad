import ExplorerCore
import Interpretation

extension ExplorerMethod {
    /// The gradient settings behind the method; nil for the ISM-derived map (computed with ISM).
    func settings(task: Int) -> AttributionSettings? {
        switch self {
        case .saliency: return AttributionSettings(method: .saliency, target: task)
        case .correctedSaliency: return AttributionSettings(method: .saliency, target: task, corrected: true)
        case .gradientTimesInput: return AttributionSettings(method: .gradInput, target: task)
        case .smoothGrad: return AttributionSettings(method: .smoothgrad, target: task)
        case .integratedGradients: return AttributionSettings(method: .integratedGradients, target: task)
        case .deepshap: return AttributionSettings(method: .deepshap, target: task)
        case .ismDerived: return nil
        }
    }
}
