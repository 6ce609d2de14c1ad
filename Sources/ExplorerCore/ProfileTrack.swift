import Rendering

/// A target's bins drawn as one track (a BPNet profile across its bins): the record's reference
/// and the sequence as edited now, so an edit's effect on the shape shows (Screen+ProfileTrack).
public struct ProfileTrack: Equatable, Sendable {
    /// What the track shows, e.g. "profile:reduce=profile".
    public var label: String
    /// The unedited record's bins, per record index.
    public internal(set) var references: [Int: [Float]] = [:]
    /// The current sequence's bins.
    public internal(set) var current: Computed<[Float]>?

    public init(label: String) { self.label = label }
}

extension ExplorerState {
    mutating func receiveReferenceProfile(record: Int, values: [Float]) {
        profileTrack?.references[record] = values
    }

    mutating func receiveProfile(version: Int, values: [Float]) {
        guard version >= max(recordVersion, profileTrack?.current?.version ?? -1) else { return }
        profileTrack?.current = Computed(version: version, value: values, milliseconds: 0)
    }

    /// Rows the profile panel takes: a title, the reference and the current track.
    var profileRows: Int { profileTrack == nil ? 0 : 1 + 2 * ProfileTrack.rowsPerTrack }
}

extension ProfileTrack {
    public static let rowsPerTrack = 2
}
