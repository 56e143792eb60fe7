/// The 64-bit finaliser of splitmix64: every bit of the input moves every bit of the output. The recipients'
/// hash (`RecipientHash`) and the build cache's checksum (`StreamChecksum`) both end with it.
public enum HashMix {
    @inlinable @inline(__always)
    public static func splitmix64(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
