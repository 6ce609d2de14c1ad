import ArgumentParser

/// `--shard I/N`: run one of N contiguous blocks of a batch command's items (records; motifs for
/// scan), so N jobs split a run and `seqlens merge` concatenates their outputs, in shard order,
/// into what a single run writes. Blocks rather than every N-th item: each shard's output is a
/// stretch of the single run's, and merging is concatenation. Blocks start at a multiple of
/// --batch: the engine's float rounding depends on which sequences share a batch, so a shard
/// then computes the very batches of the single run, and the merge is byte for byte the same.
struct ShardOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Run only the I-th of N blocks of the records, counting from 1 (1/4 … 4/4); `seqlens merge` joins the N outputs into a single run's.", valueName: "i/n"))
    var shard: String?

    /// The shard as (index from 1, count); nil without --shard.
    var parsed: (index: Int, count: Int)? {
        get throws {
            guard let shard else { return nil }
            let parts = shard.split(separator: "/", omittingEmptySubsequences: false).map { Int($0) }
            guard parts.count == 2, let index = parts[0], let count = parts[1], count >= 1, (1 ... count).contains(index) else {
                throw ValidationError("--shard '\(shard)' is not I/N with I from 1 to N (the first of 4 shards is 1/4, the last 4/4)")
            }
            return (index, count)
        }
    }

    func validate() throws { _ = try parsed }

    /// The items this shard runs, of `count` in the whole run: batches `(i−1)·b/N ..< i·b/N` of
    /// the b batches of `batch` items. Refuses more shards than batches, as an empty shard would
    /// leave nothing for the merge to check.
    /// - Parameter what: the items' name and where they come from, for the message ("records in seqs.fa").
    func block(of count: Int, batch: Int, what: String) throws -> Range<Int> {
        guard let (index, shards) = try parsed else { return 0 ..< count }
        let batches = (count + batch - 1) / batch
        guard batches >= shards else {
            let most = "use at most \(batches) shard\(batches == 1 ? "" : "s")"
            if batch == 1 { throw CommandFailure("--shard \(index)/\(shards): there are \(count) \(what), fewer than \(shards) shards; \(most)") }
            throw CommandFailure("--shard \(index)/\(shards): the \(count) \(what) make \(batches) batch\(batches == 1 ? "" : "es") of --batch \(batch) (a shard starts at a batch), fewer than \(shards) shards; \(most), or a smaller --batch")
        }
        return min((index - 1) * batches / shards * batch, count) ..< min(index * batches / shards * batch, count)
    }

    /// `items[block(…)]`.
    func select<Item>(_ items: [Item], batch: Int, what: String) throws -> [Item] {
        Array(items[try block(of: items.count, batch: batch, what: what)])
    }
}
