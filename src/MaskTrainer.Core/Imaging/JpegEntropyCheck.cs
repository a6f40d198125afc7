using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace MaskTrainer.Imaging;

/// <summary>
/// Walks a JPEG's entropy-coded data as libjpeg decodes them, without the dequantizing, IDCT or
/// colour work, to find the corruption libjpeg decodes anyway: for a bad Huffman code, data that
/// run into a marker or a lost restart marker it prints "Corrupt JPEG data: …" to stderr (a line
/// naming no file), or nothing, and goes on with made-up coefficients, so OpenCV hands back a
/// picture whose lower part is garbage. <see cref="ImageCodec.Decode"/> asks this first and
/// refuses such a file in its usual one-line error.
/// </summary>
/// <remarks>
/// <para>
/// A fault is what no encoder writes and changes the pixels: a code the table lacks, a
/// coefficient past the end of its block, a block's DC value beyond what any picture of the
/// precision has (with room to spare), data that end before the blocks do, a restart marker
/// missing, and image data left unread before a restart marker (a slip inside the scan, see
/// Restart). Bytes left over after a scan's last block, before the marker that ends the scan, are
/// not a fault: libjpeg only warns ("extraneous bytes before marker") and the picture is intact,
/// and real datasets (Kaggle's cats and dogs, some scanners) hold such files; refusing a good
/// training photo costs more than missing the rare slip that shows only there. What libjpeg refuses itself (a bad table, an
/// unknown marker) and the codings it has no Huffman tables for (arithmetic, lossless,
/// hierarchical, Motion JPEG without tables) are left to the decoder: the walk then says nothing.
/// </para>
/// <para>
/// Costs about half a decode: libjpeg spends about that on the same Huffman decoding (measured on
/// the mask-sample photos: 0.35 ms against OpenCV's 0.7 ms for a 27 KB baseline JPEG, 4.8 against 12 ms
/// for a 150 KB progressive one; SkiaSharp's decode at 1/8 scale, the same Huffman work, took
/// 0.34 and 9.2 ms, and says nothing of the corruption).
/// A progressive file's refinement scans depend on which coefficients earlier scans made nonzero,
/// kept as 64 bits per block (rented: 8 bytes per 64 pixels of each component).
/// </para>
/// </remarks>
internal static class JpegEntropyCheck
{
    // One walker per thread, reused: its tables are the same size for every file.
    [ThreadStatic]
    private static Walker? cached;

    /// <summary>
    /// Null when the entropy-coded data decode cleanly (or are of a kind not walked), else the
    /// problem, e.g. "corrupt JPEG data (bad Huffman code)". <paramref name="data"/> starts with SOI.
    /// </summary>
    public static string? FindCorruption(ReadOnlySpan<byte> data)
    {
        var walker = cached ??= new Walker();
        try
        {
            return walker.Walk(data);
        }
        catch (Exception)
        {
            // A bug in the walk (it reads what libjpeg reads, by hand) must cost this one check,
            // not the run: the file goes to the decoder as it would without the check. The walker
            // may be left half-set: the next file gets a new one.
            cached = null;
            return null;
        }
        finally
        {
            walker.Release();
        }
    }

    private sealed class Walker
    {
        private const int LookaheadBits = 9;

        // Tables 0..3 are DC tables, 4..7 AC tables (class * 4 + id).
        private readonly HuffmanTable[] tables = [new(), new(), new(), new(), new(), new(), new(), new()];
        private readonly Component[] components = [new(), new(), new(), new()];
        private readonly int[] scanComponents = new int[4];
        private int componentCount;
        private int width, height, maxH, maxV;
        private bool progressive;
        private int restartInterval;

        // The DC step of quantization tables 0..3 (0: not given), and the sample precision in bits.
        private readonly int[] dcSteps = new int[4];
        private int precision;
        private ulong[]? nonzero;

        public void Release()
        {
            if (nonzero is not null)
            {
                ArrayPool<ulong>.Shared.Return(nonzero);
                nonzero = null;
            }
        }

        public string? Walk(ReadOnlySpan<byte> data)
        {
            foreach (var t in tables)
            {
                t.Defined = false;
            }

            componentCount = 0;
            restartInterval = 0;
            Array.Clear(dcSteps);
            int pos = 2; // after SOI
            while (true)
            {
                if (!NextMarker(data, ref pos, out byte marker) || marker == 0xD9)
                {
                    return null; // the end (or no end: the end-of-image check owns a cut file)
                }

                if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
                {
                    continue; // no length; a restart marker outside a scan is ignored by libjpeg
                }

                if (pos + 2 > data.Length)
                {
                    return null;
                }

                int length = BinaryPrimitives.ReadUInt16BigEndian(data[pos..]);
                if (length < 2 || pos + length > data.Length)
                {
                    return null; // a broken header: the decoder's to refuse
                }

                var segment = data.Slice(pos + 2, length - 2);
                pos += length;
                switch (marker)
                {
                    case 0xC0 or 0xC1 or 0xC2:
                        if (componentCount != 0 || !ReadFrame(segment, progressive: marker == 0xC2))
                        {
                            return null;
                        }

                        break;
                    case 0xC3 or (>= 0xC5 and <= 0xCF and not 0xC8):
                        return null; // lossless, hierarchical or arithmetic coding: not walked
                    case 0xC4:
                        if (!ReadHuffmanTables(segment))
                        {
                            return null;
                        }

                        break;
                    case 0xDB:
                        if (!ReadQuantizationTables(segment))
                        {
                            return null;
                        }

                        break;
                    case 0xDD:
                        if (segment.Length < 2)
                        {
                            return null;
                        }

                        restartInterval = BinaryPrimitives.ReadUInt16BigEndian(segment);
                        break;
                    case 0xDA:
                        var scan = WalkScan(data, segment, ref pos, out bool walked);
                        if (!walked || scan is not null)
                        {
                            return scan;
                        }

                        break;
                    case >= 0xE0 or 0xDC or 0xDE or 0xDF:
                        break; // APPn, COM, DNL, DHP, EXP: nothing of the entropy coding
                    default:
                        return null; // a marker libjpeg refuses
                }
            }
        }

        /// <summary>Finds the next marker from <paramref name="pos"/> as libjpeg does: other bytes and fill bytes are skipped, FF 00 is data.</summary>
        private static bool NextMarker(ReadOnlySpan<byte> data, ref int pos, out byte marker)
        {
            marker = 0;
            while (pos < data.Length)
            {
                int ff = data[pos..].IndexOf((byte)0xFF);
                if (ff < 0)
                {
                    break;
                }

                pos += ff;
                while (pos < data.Length && data[pos] == 0xFF)
                {
                    pos++;
                }

                if (pos >= data.Length)
                {
                    break;
                }

                if (data[pos] != 0)
                {
                    marker = data[pos++];
                    return true;
                }
            }

            pos = data.Length;
            return false;
        }

        private bool ReadFrame(ReadOnlySpan<byte> segment, bool progressive)
        {
            if (segment.Length < 6)
            {
                return false;
            }

            precision = segment[0];
            height = BinaryPrimitives.ReadUInt16BigEndian(segment[1..]);
            width = BinaryPrimitives.ReadUInt16BigEndian(segment[3..]);
            int count = segment[5];
            if (width == 0 || height == 0 || count is < 1 or > 4 || segment.Length < 6 + count * 3)
            {
                return false;
            }

            maxH = maxV = 1;
            for (int i = 0; i < count; i++)
            {
                var c = components[i];
                c.Id = segment[6 + i * 3];
                c.H = segment[7 + i * 3] >> 4;
                c.V = segment[7 + i * 3] & 15;
                c.Quantization = segment[8 + i * 3] & 3;
                if (c.H is < 1 or > 4 || c.V is < 1 or > 4)
                {
                    return false;
                }

                maxH = Math.Max(maxH, c.H);
                maxV = Math.Max(maxV, c.V);
            }

            long blocks = 0;
            for (int i = 0; i < count; i++)
            {
                var c = components[i];
                c.BlocksWide = (int)(((long)width * c.H + maxH * 8 - 1) / (maxH * 8));
                c.BlocksHigh = (int)(((long)height * c.V + maxV * 8 - 1) / (maxV * 8));
                c.FirstBlock = blocks;
                blocks += (long)c.BlocksWide * c.BlocksHigh;
            }

            this.progressive = progressive;
            if (progressive)
            {
                if (blocks > Array.MaxLength)
                {
                    return false;
                }

                nonzero = ArrayPool<ulong>.Shared.Rent((int)blocks);
                Array.Clear(nonzero, 0, (int)blocks);
            }

            componentCount = count;
            return true;
        }

        private bool ReadQuantizationTables(ReadOnlySpan<byte> segment)
        {
            while (segment.Length > 0)
            {
                int wide = segment[0] >> 4, id = segment[0] & 15, size = wide == 0 ? 65 : 129;
                if (wide > 1 || id > 3 || segment.Length < size)
                {
                    return false;
                }

                dcSteps[id] = wide == 0 ? segment[1] : BinaryPrimitives.ReadUInt16BigEndian(segment[1..]);
                segment = segment[size..];
            }

            return true;
        }

        private bool ReadHuffmanTables(ReadOnlySpan<byte> segment)
        {
            while (segment.Length > 0)
            {
                if (segment.Length < 17)
                {
                    return false;
                }

                int tableClass = segment[0] >> 4, id = segment[0] & 15;
                if (tableClass > 1 || id > 3)
                {
                    return false;
                }

                var counts = segment.Slice(1, 16);
                int total = 0;
                foreach (var n in counts)
                {
                    total += n;
                }

                if (total > 256 || segment.Length < 17 + total || !tables[tableClass * 4 + id].Build(counts, segment.Slice(17, total)))
                {
                    return false;
                }

                segment = segment[(17 + total)..];
            }

            return true;
        }

        /// <summary>
        /// Decodes the scan whose header is <paramref name="header"/> and whose data start at
        /// <paramref name="pos"/>, which is left after them. <paramref name="walked"/> is false
        /// for a scan libjpeg would refuse or that refers to a table not given.
        /// </summary>
        private string? WalkScan(ReadOnlySpan<byte> data, ReadOnlySpan<byte> header, ref int pos, out bool walked)
        {
            walked = false;
            if (componentCount == 0 || header.Length < 1)
            {
                return null;
            }

            int count = header[0];
            if (count is < 1 or > 4 || header.Length < 1 + count * 2 + 3)
            {
                return null;
            }

            int ss = header[1 + count * 2], se = header[2 + count * 2], ah = header[3 + count * 2] >> 4, al = header[3 + count * 2] & 15;
            bool dc = ss == 0;
            if (progressive ? se > 63 || ss > se || (dc && se != 0) || (!dc && count != 1) : ss != 0 || se != 63)
            {
                return null;
            }

            for (int i = 0; i < count; i++)
            {
                int id = header[1 + i * 2], selectors = header[2 + i * 2];
                int index = componentCount - 1;
                while (index >= 0 && components[index].Id != id)
                {
                    index--;
                }

                if (index < 0)
                {
                    return null;
                }

                var c = components[index];
                c.Dc = tables[selectors >> 4 & 3];
                c.Ac = tables[4 + (selectors & 3)];
                bool needsDc = dc && ah == 0, needsAc = !progressive || !dc;
                if ((needsDc && !c.Dc.Defined) || (needsAc && !c.Ac.Defined))
                {
                    return null; // libjpeg-turbo would use the standard tables (Motion JPEG): not walked
                }

                if (needsDc && c.Dc.LargestValue > 15)
                {
                    return null; // libjpeg refuses such a DC table
                }

                scanComponents[i] = index;

                // A block's mean level minus the middle, times 8, is at most 2^(precision - 1) * 8:
                // twice that, quantized, leaves room for any encoder's rounding.
                c.Dc0 = 0;
                int step = dcSteps[c.Quantization];
                c.DcLimit = step == 0 || precision is < 2 or > 16 ? long.MaxValue : (1L << (precision + 3)) / step;
            }

            walked = true;
            var bits = new BitReader(pos);
            int mcusWide, mcusHigh;
            if (count == 1)
            {
                mcusWide = components[scanComponents[0]].BlocksWide;
                mcusHigh = components[scanComponents[0]].BlocksHigh;
            }
            else
            {
                mcusWide = (width + maxH * 8 - 1) / (maxH * 8);
                mcusHigh = (height + maxV * 8 - 1) / (maxV * 8);
            }

            long mcus = (long)mcusWide * mcusHigh;
            int eobRun = 0, interval = 0, restarts = 0;
            string? problem = null;
            for (long mcu = 0; mcu < mcus && problem is null; mcu++)
            {
                if (restartInterval > 0 && interval == restartInterval)
                {
                    problem = Restart(data, ref bits, restarts++ & 7);
                    interval = 0;
                    eobRun = 0;
                    for (int i = 0; i < count; i++)
                    {
                        components[scanComponents[i]].Dc0 = 0;
                    }

                    if (problem is not null)
                    {
                        break;
                    }
                }

                interval++;
                if (count == 1)
                {
                    problem = Block(data, ref bits, components[scanComponents[0]], mcu, ss, se, ah, al, ref eobRun);
                    continue;
                }

                for (int i = 0; i < count && problem is null; i++)
                {
                    var c = components[scanComponents[i]];
                    for (int b = c.H * c.V; b > 0 && problem is null; b--)
                    {
                        problem = Block(data, ref bits, c, -1, ss, se, ah, al, ref eobRun);
                    }
                }
            }

            pos = bits.Position;
            return problem;
        }

        /// <summary>
        /// One block: <paramref name="block"/> is its index in the component (non-interleaved
        /// scans; progressive AC scans always are), -1 in an interleaved DC or sequential scan.
        /// </summary>
        private string? Block(ReadOnlySpan<byte> data, ref BitReader bits, Component c, long block, int ss, int se, int ah, int al, ref int eobRun)
        {
            if (!progressive)
            {
                return SequentialBlock(data, ref bits, c);
            }

            return ProgressiveBlock(data, ref bits, c, block, ss, se, ah, al, ref eobRun);
        }

        private static string? SequentialBlock(ReadOnlySpan<byte> data, ref BitReader bits, Component c)
        {
            string? problem = null;
            int s = Decode(data, ref bits, c.Dc);
            if (s < 0)
            {
                problem = Fault(bits);
            }
            else if (!NextDc(data, ref bits, c, s, 0))
            {
                problem = Fault(bits, DcOutOfRange);
            }

            for (int k = 1; k < 64 && problem is null; k++)
            {
                int rs = Decode(data, ref bits, c.Ac);
                if (rs < 0)
                {
                    problem = Fault(bits);
                    break;
                }

                int r = rs >> 4;
                s = rs & 15;
                if (s != 0)
                {
                    k += r;
                    bits.Consume(s); // Decode left enough bits for it
                    problem = k > 63 ? PastTheBlock : null;
                }
                else if (r == 15)
                {
                    k += 15; // sixteen zeros
                }
                else
                {
                    break; // end of block
                }
            }

            return problem ?? (bits.Overran ? Premature : null);
        }

        private string? ProgressiveBlock(ReadOnlySpan<byte> data, ref BitReader bits, Component c, long block, int ss, int se, int ah, int al, ref int eobRun)
        {
            if (ss == 0)
            {
                // DC: a difference first, one bit each refinement.
                if (ah == 0)
                {
                    int s = Decode(data, ref bits, c.Dc);
                    if (s < 0)
                    {
                        return Fault(bits);
                    }

                    if (!NextDc(data, ref bits, c, s, al))
                    {
                        return Fault(bits, DcOutOfRange);
                    }
                }
                else
                {
                    bits.Skip(data, 1);
                }

                return bits.Overran ? Premature : null;
            }

            ref ulong known = ref nonzero![c.FirstBlock + block];
            return ah == 0 ? AcFirst(data, ref bits, c.Ac, ss, se, ref eobRun, ref known) : AcRefine(data, ref bits, c.Ac, ss, se, ref eobRun, ref known);
        }

        private static string? AcFirst(ReadOnlySpan<byte> data, ref BitReader bits, HuffmanTable table, int ss, int se, ref int eobRun, ref ulong known)
        {
            if (eobRun > 0)
            {
                eobRun--;
                return null;
            }

            for (int k = ss; k <= se; k++)
            {
                int rs = Decode(data, ref bits, table);
                if (rs < 0)
                {
                    return Fault(bits);
                }

                int r = rs >> 4, s = rs & 15;
                if (s == 0)
                {
                    if (r == 15)
                    {
                        k += 15;
                        continue;
                    }

                    // An end-of-band run of 2^r + r more bits blocks, this one included.
                    eobRun = (1 << r) - 1;
                    if (r > 0)
                    {
                        eobRun += bits.Read(data, r);
                    }

                    break;
                }

                k += r;
                if (k > se)
                {
                    return PastTheBlock;
                }

                bits.Skip(data, s);
                known |= 1UL << k;
            }

            return bits.Overran ? Premature : null;
        }

        // As libjpeg's decode_mcu_AC_refine: the coefficients already nonzero get a correction
        // bit each, and the zero ones are what the runs count.
        private static string? AcRefine(ReadOnlySpan<byte> data, ref BitReader bits, HuffmanTable table, int ss, int se, ref int eobRun, ref ulong known)
        {
            int k = ss;
            if (eobRun == 0)
            {
                for (; k <= se; k++)
                {
                    int rs = Decode(data, ref bits, table);
                    if (rs < 0)
                    {
                        return Fault(bits);
                    }

                    int r = rs >> 4, s = rs & 15;
                    if (s != 0)
                    {
                        if (s != 1)
                        {
                            return BadCode; // a newly nonzero coefficient is always one bit (libjpeg says "bad Huffman code" too)
                        }

                        bits.Skip(data, 1); // its sign
                    }
                    else if (r != 15)
                    {
                        eobRun = 1 << r;
                        if (r > 0)
                        {
                            eobRun += bits.Read(data, r);
                        }

                        break; // the rest of the band is the end-of-band run's
                    }

                    for (; k <= se; k++)
                    {
                        if ((known >> k & 1) != 0)
                        {
                            bits.Skip(data, 1);
                        }
                        else if (--r < 0)
                        {
                            break; // the zero coefficient that becomes nonzero
                        }
                    }

                    if (s != 0)
                    {
                        if (k > se)
                        {
                            return PastTheBlock;
                        }

                        known |= 1UL << k;
                    }
                }
            }

            if (eobRun > 0)
            {
                // A correction bit for each coefficient of the rest of the band already nonzero.
                if (k <= se)
                {
                    ulong band = (se == 63 ? ulong.MaxValue : (1UL << (se + 1)) - 1) & ~((1UL << k) - 1);
                    for (int n = BitOperations.PopCount(known & band); n > 0; n -= 32)
                    {
                        bits.Fill(data);
                        bits.Consume(Math.Min(n, 32));
                    }
                }

                eobRun--;
            }

            return bits.Overran ? Premature : null;
        }

        /// <summary>
        /// After an interval: the restart marker RST<paramref name="number"/> must come next, with no
        /// image data left before it. Unlike bytes after a scan's last block (let be), bytes left
        /// inside the scan are a slip: a changed bit turned the codes after it into other valid
        /// ones and the interval's blocks came out before its data did, so the interval is garbage
        /// (libjpeg skips them with a warning). In a file with restart markers this is how most
        /// damage shows, each marker setting the decoding right again; zero bytes are not counted.
        /// </summary>
        private static string? Restart(ReadOnlySpan<byte> data, ref BitReader bits, int number)
        {
            if (bits.Overran)
            {
                return Premature;
            }

            int pos = bits.Position;
            if (!NextMarker(data, ref pos, out byte marker) || marker != 0xD0 + number)
            {
                return $"corrupt JPEG data (restart marker RST{number} missing)";
            }

            int left = bits.BytesBeforeMarker(data);
            if (left > 0)
            {
                return $"corrupt JPEG data ({left} byte{(left == 1 ? "" : "s")} of image data left over before RST{number})";
            }

            bits = new BitReader(pos);
            return null;
        }

        /// <summary>The next Huffman-coded value, or -1 for a code the table does not have.</summary>
        /// <remarks>Leaves at least 41 bits in the buffer: enough for the value bits that follow a code.</remarks>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int Decode(ReadOnlySpan<byte> data, ref BitReader bits, HuffmanTable table)
        {
            bits.Fill(data);
            int entry = table.Lookahead[bits.Peek(LookaheadBits)];
            if (entry != 0)
            {
                bits.Consume(entry >> 8);
                return entry & 0xFF;
            }

            int value = DecodeLong(bits, table, out int length);
            bits.Consume(length);
            return value;
        }

        /// <summary>A code longer than the lookahead: its value and length (0 for a code the table lacks).</summary>
        private static int DecodeLong(BitReader bits, HuffmanTable table, out int length)
        {
            for (length = LookaheadBits + 1; length <= 16; length++)
            {
                int code = bits.Peek(length);
                if (code <= table.MaxCode[length])
                {
                    return table.Values[code + table.ValueOffset[length]];
                }
            }

            length = 0;
            return -1;
        }

        /// <summary>
        /// Adds the DC difference of <paramref name="size"/> bits to the component's running value;
        /// false when the value leaves what a picture can hold. Garbage decoded as valid codes
        /// (the data slipped by a bit) wanders off that way long before the end of the scan.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool NextDc(ReadOnlySpan<byte> data, ref BitReader bits, Component c, int size, int al)
        {
            if (size > 0)
            {
                int difference = bits.Read(data, size);
                if (difference < 1 << (size - 1))
                {
                    difference -= (1 << size) - 1; // the negative half (JPEG's EXTEND)
                }

                c.Dc0 += difference;
            }

            return Math.Abs(c.Dc0) << al <= c.DcLimit;
        }

        /// <summary>A fault found, or the data ending early if that is what led to it.</summary>
        private static string Fault(BitReader bits, string fault = BadCode) => bits.Overran ? Premature : fault;

        private const string BadCode = "corrupt JPEG data (bad Huffman code)";
        private const string Premature = "corrupt JPEG data (premature end of the image data)";
        private const string DcOutOfRange = "corrupt JPEG data (a block's DC value out of range)";
        private const string PastTheBlock = "corrupt JPEG data (a coefficient past the end of its block)";

        private sealed class Component
        {
            public int Id, H, V, BlocksWide, BlocksHigh, Quantization;

            // The running DC value (quantized) and the largest any picture of the precision can have.
            public long Dc0;
            public long DcLimit;
            public long FirstBlock;
            public HuffmanTable Dc = null!, Ac = null!;
        }

        /// <summary>A canonical Huffman table (JPEG annex C) with a lookup of the codes up to <see cref="LookaheadBits"/> long.</summary>
        private sealed class HuffmanTable
        {
            public bool Defined;

            /// <summary>The largest value coded: a DC table's are sizes of at most 15 bits.</summary>
            public int LargestValue;

            // For the index's first bits: (code length << 8) | value, 0 when the code is longer.
            public readonly int[] Lookahead = new int[1 << LookaheadBits];
            public readonly int[] MaxCode = new int[17];
            public readonly int[] ValueOffset = new int[17];
            public readonly byte[] Values = new byte[256];

            /// <summary>False for a table libjpeg refuses: a code that does not fit its length, or is all ones.</summary>
            public bool Build(ReadOnlySpan<byte> counts, ReadOnlySpan<byte> values)
            {
                Defined = false;
                values.CopyTo(Values);
                Array.Clear(Lookahead);
                int code = 0, index = 0;
                int largest = 0;
                foreach (var v in values)
                {
                    largest = Math.Max(largest, v);
                }

                LargestValue = largest;
                for (int length = 1; length <= 16; length++)
                {
                    int n = counts[length - 1];
                    if (code + n >= 1 << length)
                    {
                        return false;
                    }

                    ValueOffset[length] = index - code;
                    MaxCode[length] = n == 0 ? -1 : code + n - 1;
                    for (int i = 0; i < n; i++, code++, index++)
                    {
                        if (length <= LookaheadBits)
                        {
                            int shift = LookaheadBits - length;
                            Lookahead.AsSpan(code << shift, 1 << shift).Fill(length << 8 | values[index]);
                        }
                    }

                    code <<= 1;
                }

                Defined = true;
                return true;
            }
        }

        /// <summary>
        /// The bits of entropy-coded data, most significant first, with FF 00 read as FF. At a
        /// marker (or the end of the data) it goes on with zero bits, as libjpeg does, and
        /// <see cref="Overran"/> tells whether any of them were used.
        /// </summary>
        private struct BitReader(int position)
        {
            private ulong buffer;
            private int count;

            // The zero bits put in after the marker (or the end of the data): none before it is reached.
            private int zeros;

            /// <summary>The next byte not read into the buffer: the marker's FF once one is reached.</summary>
            public int Position { get; private set; } = position;

            /// <summary>True once more bits were used than the data held before the marker.</summary>
            public readonly bool Overran => count < zeros;

            /// <summary>Tops the buffer up to at least 57 bits.</summary>
            /// <remarks>Inlined: the common case, 8 bytes without an FF, is a load and a shift.</remarks>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public void Fill(ReadOnlySpan<byte> data)
            {
                if (count > 56)
                {
                    return;
                }

                // Most of the time the next 8 bytes hold no FF: as many as fit go in at once.
                if (zeros == 0 && Position <= data.Length - 8)
                {
                    ulong next = BinaryPrimitives.ReadUInt64BigEndian(data[Position..]);
                    ulong inverted = ~next;
                    if (((inverted - 0x0101010101010101UL) & ~inverted & 0x8080808080808080UL) == 0)
                    {
                        int n = (64 - count) >> 3;
                        buffer = n == 8 ? next : buffer << (n * 8) | next >> (64 - n * 8);
                        count += n * 8;
                        Position += n;
                        return;
                    }
                }

                this = Refill(data, this);
            }

            private static BitReader Refill(ReadOnlySpan<byte> data, BitReader bits)
            {
                while (bits.count <= 56)
                {
                    int b = 0;
                    int at = bits.Position;
                    if (bits.zeros > 0 || at >= data.Length)
                    {
                        bits.zeros += 8;
                    }
                    else if ((b = data[at]) != 0xFF)
                    {
                        bits.Position++;
                    }
                    else
                    {
                        int next = at + 1;
                        while (next < data.Length && data[next] == 0xFF)
                        {
                            next++; // fill bytes before a marker
                        }

                        if (next < data.Length && data[next] == 0)
                        {
                            bits.Position = next + 1; // a stuffed FF
                        }
                        else
                        {
                            bits.zeros += 8;
                            b = 0;
                        }
                    }

                    bits.buffer = bits.buffer << 8 | (uint)b;
                    bits.count += 8;
                }

                return bits;
            }

            /// <summary>
            /// How many bytes before the marker that ends the data (or their end) were not used
            /// and are not zero: zeros are padding some encoders add.
            /// </summary>
            public readonly int BytesBeforeMarker(ReadOnlySpan<byte> data)
            {
                int left = 0;
                for (int shift = zeros; shift + 8 <= count; shift += 8)
                {
                    left += (buffer >> shift & 0xFF) != 0 ? 1 : 0;
                }

                for (int p = Position; zeros == 0 && p < data.Length; p++)
                {
                    if (data[p] == 0xFF)
                    {
                        int next = p + 1;
                        while (next < data.Length && data[next] == 0xFF)
                        {
                            next++;
                        }

                        if (next >= data.Length || data[next] != 0)
                        {
                            break; // the marker
                        }

                        p = next; // a stuffed FF
                        left++;
                        continue;
                    }

                    left += data[p] != 0 ? 1 : 0;
                }

                return left;
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public readonly int Peek(int n) => (int)(buffer >> (count - n)) & ((1 << n) - 1);

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public void Consume(int n) => count -= n;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public void Skip(ReadOnlySpan<byte> data, int n)
            {
                if (count < n)
                {
                    Fill(data);
                }

                count -= n;
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public int Read(ReadOnlySpan<byte> data, int n)
            {
                if (count < n)
                {
                    Fill(data);
                }

                int value = Peek(n);
                count -= n;
                return value;
            }
        }
    }
}
