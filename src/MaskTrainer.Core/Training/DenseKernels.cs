using System.Numerics;
using System.Numerics.Tensors;

namespace MaskTrainer.Training;

/// <summary>
/// The few dense-algebra loops a head needs, on row-major spans. Every output element is
/// computed by the same sequence of operations whatever the batch size, so a row predicts the
/// same bits alone or in a batch, and training is bitwise reproducible (single thread, fixed order).
/// </summary>
internal static class DenseKernels
{
    // Vector<float>-wide fused multiply-add where the hardware has one (x64 FMA3, Arm64 AdvSimd);
    // the JIT folds this flag, so the other branch costs nothing.
    private static readonly bool UseFma = System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported;

    /// <summary>
    /// C[i, j] = dot(A[i, :], W[j, :]) + bias[j]; A is m x k, W is n x k, C is m x n.
    /// Register-blocked 2 x 4 (two rows of A against four rows of W share every load), which
    /// is what makes the MLP fast. Each element is one vector accumulator summed along k, then
    /// reduced and finished with a scalar tail, identically in every block shape.
    /// </summary>
    public static void MultiplyTransposed(ReadOnlySpan<float> a, int m, int k, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, int n, Span<float> c)
    {
        int i = 0;
        for (; i + 2 <= m; i += 2)
        {
            var a0 = a.Slice(i * k, k);
            var a1 = a.Slice((i + 1) * k, k);
            int j = 0;
            for (; j + 4 <= n; j += 4)
            {
                Dot2x4(a0, a1, w.Slice(j * k, k), w.Slice((j + 1) * k, k), w.Slice((j + 2) * k, k), w.Slice((j + 3) * k, k), c.Slice(i * n + j), c.Slice((i + 1) * n + j));
            }

            for (; j < n; j++)
            {
                var wj = w.Slice(j * k, k);
                c[i * n + j] = Dot1x1(a0, wj);
                c[(i + 1) * n + j] = Dot1x1(a1, wj);
            }
        }

        for (; i < m; i++)
        {
            // A single row (the prediction path): four independent accumulators hide FMA latency.
            var ai = a.Slice(i * k, k);
            int j = 0;
            for (; j + 4 <= n; j += 4)
            {
                Dot1x4(ai, w.Slice(j * k, k), w.Slice((j + 1) * k, k), w.Slice((j + 2) * k, k), w.Slice((j + 3) * k, k), c.Slice(i * n + j));
            }

            for (; j < n; j++)
            {
                c[i * n + j] = Dot1x1(ai, w.Slice(j * k, k));
            }
        }

        for (i = 0; i < m; i++)
        {
            TensorPrimitives.Add(c.Slice(i * n, n), bias, c.Slice(i * n, n));
        }
    }

    /// <summary>
    /// G[j, :] += sum_i D[i, j] * A[i, :]; D is m x n, A is m x k, G is n x k (gradient of W).
    /// Blocked over 4 rows of G and 2 vectors of k, so G stays in registers while the m rows
    /// of A stream by; each element of G still sums over i in order.
    /// </summary>
    public static void AccumulateTransposedProduct(ReadOnlySpan<float> d, int m, int n, ReadOnlySpan<float> a, int k, Span<float> g)
    {
        int width = Vector<float>.Count;
        int j = 0;
        for (; j + 4 <= n; j += 4)
        {
            var g0 = g.Slice(j * k, k);
            var g1 = g.Slice((j + 1) * k, k);
            var g2 = g.Slice((j + 2) * k, k);
            var g3 = g.Slice((j + 3) * k, k);
            int x = 0;
            for (; x + 2 * width <= k; x += 2 * width)
            {
                var s00 = new Vector<float>(g0.Slice(x));
                var s01 = new Vector<float>(g0.Slice(x + width));
                var s10 = new Vector<float>(g1.Slice(x));
                var s11 = new Vector<float>(g1.Slice(x + width));
                var s20 = new Vector<float>(g2.Slice(x));
                var s21 = new Vector<float>(g2.Slice(x + width));
                var s30 = new Vector<float>(g3.Slice(x));
                var s31 = new Vector<float>(g3.Slice(x + width));
                for (int i = 0; i < m; i++)
                {
                    var ai0 = new Vector<float>(a.Slice(i * k + x));
                    var ai1 = new Vector<float>(a.Slice(i * k + x + width));
                    var d0 = new Vector<float>(d[i * n + j]);
                    var d1 = new Vector<float>(d[i * n + j + 1]);
                    var d2 = new Vector<float>(d[i * n + j + 2]);
                    var d3 = new Vector<float>(d[i * n + j + 3]);
                    s00 = Fma(ai0, d0, s00);
                    s01 = Fma(ai1, d0, s01);
                    s10 = Fma(ai0, d1, s10);
                    s11 = Fma(ai1, d1, s11);
                    s20 = Fma(ai0, d2, s20);
                    s21 = Fma(ai1, d2, s21);
                    s30 = Fma(ai0, d3, s30);
                    s31 = Fma(ai1, d3, s31);
                }

                s00.CopyTo(g0.Slice(x));
                s01.CopyTo(g0.Slice(x + width));
                s10.CopyTo(g1.Slice(x));
                s11.CopyTo(g1.Slice(x + width));
                s20.CopyTo(g2.Slice(x));
                s21.CopyTo(g2.Slice(x + width));
                s30.CopyTo(g3.Slice(x));
                s31.CopyTo(g3.Slice(x + width));
            }

            for (int q = 0; q < 4; q++)
            {
                AccumulateColumn(d, m, n, j + q, a, k, x, g.Slice((j + q) * k, k));
            }
        }

        for (; j < n; j++)
        {
            AccumulateColumn(d, m, n, j, a, k, 0, g.Slice(j * k, k));
        }
    }

    /// <summary>Out[i, :] = sum_j D[i, j] * W[j, :]; D is m x n, W is n x k, Out is m x k (back-propagation to inputs).</summary>
    public static void Multiply(ReadOnlySpan<float> d, int m, int n, ReadOnlySpan<float> w, int k, Span<float> result)
    {
        for (int i = 0; i < m; i++)
        {
            var oi = result.Slice(i * k, k);
            oi.Clear();
            for (int j = 0; j < n; j++)
            {
                float dij = d[i * n + j];
                if (dij != 0f)
                {
                    TensorPrimitives.MultiplyAdd(w.Slice(j * k, k), dij, oi, oi);
                }
            }
        }
    }

    /// <summary>Column sums: b[j] += sum_i D[i, j] (gradient of a bias).</summary>
    public static void AccumulateColumnSums(ReadOnlySpan<float> d, int m, int n, Span<float> b)
    {
        for (int i = 0; i < m; i++)
        {
            TensorPrimitives.Add(b, d.Slice(i * n, n), b);
        }
    }

    /// <summary>
    /// Numerically stable softmax in place (shift by the max so Exp cannot overflow).
    /// Returns ln(sum(exp(z - max))) so callers can form the exact log-loss ln(sum) - (z_y - max).
    /// </summary>
    public static double SoftmaxInPlace(Span<float> z, out float max)
    {
        max = TensorPrimitives.Max(z);
        TensorPrimitives.Subtract(z, max, z);
        TensorPrimitives.Exp(z, z);
        float sum = TensorPrimitives.Sum(z);
        TensorPrimitives.Multiply(z, 1f / sum, z);
        return Math.Log(sum);
    }

    /// <summary>Index of the largest value; the first one on ties (same rule as the metrics).</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>dst = (x - mean) * invStd, the standardization used both in training and prediction.</summary>
    public static void Standardize(ReadOnlySpan<float> x, ReadOnlySpan<float> mean, ReadOnlySpan<float> invStd, Span<float> dst)
    {
        TensorPrimitives.Subtract(x, mean, dst);
        TensorPrimitives.Multiply(dst, invStd, dst);
    }

    // g[x..] += sum_i D[i, j] * A[i, x..], one vector at a time, then a scalar tail.
    private static void AccumulateColumn(ReadOnlySpan<float> d, int m, int n, int j, ReadOnlySpan<float> a, int k, int from, Span<float> gj)
    {
        int width = Vector<float>.Count;
        int x = from;
        for (; x + width <= k; x += width)
        {
            var s = new Vector<float>(gj.Slice(x));
            for (int i = 0; i < m; i++)
            {
                s = Fma(new Vector<float>(a.Slice(i * k + x)), new Vector<float>(d[i * n + j]), s);
            }

            s.CopyTo(gj.Slice(x));
        }

        for (; x < k; x++)
        {
            float s = gj[x];
            for (int i = 0; i < m; i++)
            {
                s += a[i * k + x] * d[i * n + j];
            }

            gj[x] = s;
        }
    }

    private static float Dot1x1(ReadOnlySpan<float> a, ReadOnlySpan<float> w)
    {
        int width = Vector<float>.Count;
        var s = Vector<float>.Zero;
        int x = 0;
        for (; x + width <= a.Length; x += width)
        {
            s = Fma(new Vector<float>(a.Slice(x)), new Vector<float>(w.Slice(x)), s);
        }

        return Finish(s, a, w, x);
    }

    private static void Dot1x4(ReadOnlySpan<float> a, ReadOnlySpan<float> w0, ReadOnlySpan<float> w1, ReadOnlySpan<float> w2, ReadOnlySpan<float> w3, Span<float> c)
    {
        int width = Vector<float>.Count;
        Vector<float> s0 = default, s1 = default, s2 = default, s3 = default;
        int x = 0;
        for (; x + width <= a.Length; x += width)
        {
            var v = new Vector<float>(a.Slice(x));
            s0 = Fma(v, new Vector<float>(w0.Slice(x)), s0);
            s1 = Fma(v, new Vector<float>(w1.Slice(x)), s1);
            s2 = Fma(v, new Vector<float>(w2.Slice(x)), s2);
            s3 = Fma(v, new Vector<float>(w3.Slice(x)), s3);
        }

        c[0] = Finish(s0, a, w0, x);
        c[1] = Finish(s1, a, w1, x);
        c[2] = Finish(s2, a, w2, x);
        c[3] = Finish(s3, a, w3, x);
    }

    private static void Dot2x4(
        ReadOnlySpan<float> a0, ReadOnlySpan<float> a1,
        ReadOnlySpan<float> w0, ReadOnlySpan<float> w1, ReadOnlySpan<float> w2, ReadOnlySpan<float> w3,
        Span<float> c0, Span<float> c1)
    {
        int width = Vector<float>.Count;
        Vector<float> s00 = default, s01 = default, s02 = default, s03 = default;
        Vector<float> s10 = default, s11 = default, s12 = default, s13 = default;
        int x = 0;
        for (; x + width <= a0.Length; x += width)
        {
            var v0 = new Vector<float>(a0.Slice(x));
            var v1 = new Vector<float>(a1.Slice(x));
            var u0 = new Vector<float>(w0.Slice(x));
            var u1 = new Vector<float>(w1.Slice(x));
            var u2 = new Vector<float>(w2.Slice(x));
            var u3 = new Vector<float>(w3.Slice(x));
            s00 = Fma(v0, u0, s00);
            s01 = Fma(v0, u1, s01);
            s02 = Fma(v0, u2, s02);
            s03 = Fma(v0, u3, s03);
            s10 = Fma(v1, u0, s10);
            s11 = Fma(v1, u1, s11);
            s12 = Fma(v1, u2, s12);
            s13 = Fma(v1, u3, s13);
        }

        c0[0] = Finish(s00, a0, w0, x);
        c0[1] = Finish(s01, a0, w1, x);
        c0[2] = Finish(s02, a0, w2, x);
        c0[3] = Finish(s03, a0, w3, x);
        c1[0] = Finish(s10, a1, w0, x);
        c1[1] = Finish(s11, a1, w1, x);
        c1[2] = Finish(s12, a1, w2, x);
        c1[3] = Finish(s13, a1, w3, x);
    }

    private static float Finish(Vector<float> s, ReadOnlySpan<float> a, ReadOnlySpan<float> w, int from)
    {
        float sum = Vector.Sum(s);
        for (int x = from; x < a.Length; x++)
        {
            sum += a[x] * w[x];
        }

        return sum;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Fma(Vector<float> a, Vector<float> b, Vector<float> c) =>
        UseFma ? Vector.FusedMultiplyAdd(a, b, c) : (a * b) + c;
}
