import Foundation
import TestSupport

/// Tests/Fixtures/potts (tools/make-potts-fixtures.py): plmc's parameter file for a small WW-domain
/// alignment and EVcouplings 0.2.1's numbers read from it.
struct PottsFixture: Decodable {
    struct Effect: Decodable { var mutant: String; var delta: Float; var deltaJ: Float; var deltaH: Float }
    struct Pair: Decodable { var i: Int; var j: Int; var fn: Float; var cn: Float }

    var L: Int
    var q: Int
    var N_valid: Int
    var N_invalid: Int
    var num_iter: Int
    var theta: Float
    var lambda_h: Float
    var lambda_J: Float
    var lambda_group: Float
    var N_eff: Float
    var alphabet: String
    var target_seq: String
    var index_list: [Int]
    var weights: [Float]
    var f_i: [Float]
    var effects: [Effect]
    var pairs: [Pair]

    static let parameters = Fixtures.url("potts/ww-small.params")
    static let siteIndependentParameters = Fixtures.url("potts/pssm-small.params")

    static func load() throws -> PottsFixture {
        try JSONDecoder().decode(PottsFixture.self, from: Data(contentsOf: Fixtures.url("potts/ww-small.json")))
    }
}
