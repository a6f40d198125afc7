using MaskTrainer.OpenCv.Native;

namespace MaskTrainer.OpenCv;

/// <summary>
/// An OpenCV matrix (cv::Mat) owned by this object. Dispose it when done: the pixels live in
/// native memory the garbage collector cannot see (a forgotten Mat is still freed by the
/// SafeHandle finalizer, just late). Functions that take a destination Mat reuse its buffer when
/// the size and type already match, which keeps hot loops allocation-free.
/// </summary>
public sealed class Mat : IDisposable
{
    /// <summary>An empty Mat, typically a destination for another call.</summary>
    public Mat()
    {
        NativeError.Check(NativeMethods.mt_mat_new(out var handle));
        Handle = handle;
    }

    /// <summary>A rows x cols Mat of <paramref name="type"/> filled with zeros.</summary>
    public Mat(int rows, int cols, MatType type)
        : this(rows, cols, type, default)
    {
    }

    /// <summary>A rows x cols Mat of <paramref name="type"/> with every element set to <paramref name="value"/>.</summary>
    public Mat(int rows, int cols, MatType type, Scalar value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        NativeError.Check(NativeMethods.mt_mat_new_filled(rows, cols, (int)type, value.V0, value.V1, value.V2, value.V3, out var handle));
        Handle = handle;
    }

    internal Mat(MatHandle handle)
    {
        Handle = handle;
    }

    internal MatHandle Handle { get; }

    public int Rows => Info().Rows;

    public int Cols => Info().Cols;

    /// <summary>Channels per element (3 for BGR).</summary>
    public int Channels => (Info().Type >> 3) + 1;

    /// <summary>The element type code (OpenCV's CV_ value).</summary>
    public MatType Type => (MatType)Info().Type;

    /// <summary>OpenCV's depth code (0 = 8U, 2 = 16U, 5 = 32F, ...).</summary>
    public int Depth => Info().Type & 7;

    /// <summary>True when the Mat has no elements.</summary>
    public bool IsEmpty => Info().Total == 0;

    /// <summary>Width x height; meaningful for 2-D Mats (images).</summary>
    public Size Size
    {
        get
        {
            var info = Info();
            return new Size(info.Cols, info.Rows);
        }
    }

    /// <summary>Number of dimensions: 2 for images, 4 for an NCHW blob.</summary>
    public int Dims => Info().Dims;

    /// <summary>The size along each dimension (rows, cols for an image); channels are not included.</summary>
    public unsafe int[] Shape
    {
        get
        {
            Span<int> sizes = stackalloc int[32];
            fixed (int* p = sizes)
            {
                NativeError.Check(NativeMethods.mt_mat_shape(Handle, p, sizes.Length, out var dims));
                return sizes[..Math.Min(dims, sizes.Length)].ToArray();
            }
        }
    }

    /// <summary>Number of elements (product of <see cref="Shape"/>), not counting channels.</summary>
    public long Total => Info().Total;

    /// <summary>Bytes per element, all channels included (3 for 8-bit BGR).</summary>
    public int ElemSize => ElemSizeOf(Info().Type);

    /// <summary>
    /// Copies pixel bytes into a new rows x cols Mat; <paramref name="data"/> must hold exactly
    /// rows * cols * element size bytes, row after row.
    /// </summary>
    public static unsafe Mat FromPixels(ReadOnlySpan<byte> data, int rows, int cols, MatType type)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        var expected = (long)rows * cols * ElemSizeOf((int)type);
        if (data.Length != expected)
        {
            throw new ArgumentException($"{rows}x{cols} {type} needs {expected} bytes, got {data.Length}", nameof(data));
        }

        Span<int> sizes = [rows, cols];
        fixed (byte* d = data)
        fixed (int* s = sizes)
        {
            NativeError.Check(NativeMethods.mt_mat_new_copy(2, s, (int)type, d, out var handle));
            return new Mat(handle);
        }
    }

    /// <summary>Copies floats into a new N-dimensional single-channel float Mat of <paramref name="shape"/>.</summary>
    public static unsafe Mat FromFloats(ReadOnlySpan<float> data, ReadOnlySpan<int> shape)
    {
        if (shape.IsEmpty)
        {
            throw new ArgumentException("shape must have at least one dimension", nameof(shape));
        }

        long expected = 1;
        foreach (var d in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(shape));
            expected *= d;
        }

        if (data.Length != expected)
        {
            throw new ArgumentException($"shape [{string.Join(", ", shape.ToArray())}] needs {expected} floats, got {data.Length}", nameof(data));
        }

        fixed (float* d = data)
        fixed (int* s = shape)
        {
            NativeError.Check(NativeMethods.mt_mat_new_copy(shape.Length, s, (int)MatType.F32C1, d, out var handle));
            return new Mat(handle);
        }
    }

    /// <summary>
    /// The pixel bytes as a view on native memory (no copy); valid until the Mat is disposed or
    /// reallocated by another call. Throws when the data is not continuous.
    /// </summary>
    public unsafe Span<byte> GetBytes()
    {
        var (data, bytes) = ContinuousData();
        return new Span<byte>((void*)data, checked((int)bytes));
    }

    /// <summary>The elements of a 32-bit float Mat as a view on native memory (see <see cref="GetBytes"/>).</summary>
    public unsafe Span<float> GetFloats()
    {
        if (Depth != 5)
        {
            throw new InvalidOperationException($"GetFloats needs a 32-bit float Mat, this one is {Type}");
        }

        var (data, bytes) = ContinuousData();
        return new Span<float>((void*)data, checked((int)(bytes / sizeof(float))));
    }

    /// <summary>A deep copy.</summary>
    public Mat Clone()
    {
        NativeError.Check(NativeMethods.mt_mat_clone(Handle, out var handle));
        return new Mat(handle);
    }

    /// <summary>A deep copy of the region <paramref name="r"/>, which must lie inside the Mat.</summary>
    public Mat Crop(Rect r)
    {
        var status = NativeMethods.mt_mat_crop(Handle, r.X, r.Y, r.Width, r.Height, out var handle);
        if (status != 0)
        {
            throw NativeError.Create(status, $"Crop {r} of a {Cols}x{Rows} Mat");
        }

        return new Mat(handle);
    }

    /// <summary>Copies into <paramref name="dst"/>, reallocating it only if size or type differ.</summary>
    public void CopyTo(Mat dst)
    {
        ArgumentNullException.ThrowIfNull(dst);
        NativeError.Check(NativeMethods.mt_mat_copy_to(Handle, dst.Handle));
    }

    /// <summary>A new Mat of <paramref name="type"/> (same channel count) holding value * alpha + beta.</summary>
    public Mat ConvertTo(MatType type, double alpha = 1, double beta = 0)
    {
        var dst = new Mat();
        try
        {
            ConvertTo(dst, type, alpha, beta);
            return dst;
        }
        catch
        {
            dst.Dispose();
            throw;
        }
    }

    /// <summary>Converts into <paramref name="dst"/> (value * alpha + beta, saturated).</summary>
    public void ConvertTo(Mat dst, MatType type, double alpha = 1, double beta = 0)
    {
        ArgumentNullException.ThrowIfNull(dst);
        var status = NativeMethods.mt_mat_convert_to(Handle, dst.Handle, (int)type, alpha, beta);
        if (status != 0)
        {
            throw NativeError.Create(status, $"ConvertTo {type}");
        }
    }

    /// <summary>Sets every element to <paramref name="v"/>.</summary>
    public void SetTo(Scalar v) => NativeError.Check(NativeMethods.mt_mat_set_to(Handle, v.V0, v.V1, v.V2, v.V3));

    public void Dispose() => Handle.Dispose();

    public override string ToString() =>
        Handle.IsClosed ? "Mat (disposed)" : $"Mat [{string.Join("x", Shape)}] {Type}";

    internal static int ElemSizeOf(int type)
    {
        var depthBytes = (type & 7) switch
        {
            0 or 1 => 1,
            2 or 3 or 7 => 2,
            4 or 5 => 4,
            _ => 8,
        };
        return depthBytes * ((type >> 3) + 1);
    }

    private (int Rows, int Cols, int Type, int Dims, bool Continuous, long Total) Info()
    {
        NativeError.Check(NativeMethods.mt_mat_info(Handle, out var rows, out var cols, out var type, out var dims, out var continuous, out var total));
        return (rows, cols, type, dims, continuous != 0, total);
    }

    private (IntPtr Data, long Bytes) ContinuousData()
    {
        if (!Info().Continuous)
        {
            throw new InvalidOperationException("the Mat's data is not continuous; Clone it first");
        }

        NativeError.Check(NativeMethods.mt_mat_data(Handle, out var data, out var bytes));
        return (data, bytes);
    }
}
