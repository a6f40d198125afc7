using System.Numerics.Tensors;

namespace MaskTrainer.Training;

/// <summary>
/// The limited-memory BFGS inverse-Hessian approximation (Nocedal and Wright, algorithm 7.4):
/// the last m steps s and gradient changes y, and the two-loop recursion over them.
/// </summary>
internal sealed class LbfgsMemory
{
    private readonly float[][] _s;
    private readonly float[][] _y;
    private readonly double[] _rho;
    private readonly double[] _alpha;
    private int _count;
    private int _newest = -1;

    public LbfgsMemory(int memory, int dimension)
    {
        _s = new float[memory][];
        _y = new float[memory][];
        for (int i = 0; i < memory; i++)
        {
            _s[i] = new float[dimension];
            _y[i] = new float[dimension];
        }

        _rho = new double[memory];
        _alpha = new double[memory];
    }

    public int Count => _count;

    public void Reset()
    {
        _count = 0;
        _newest = -1;
    }

    /// <summary>Stores the pair s = x1 - x0, y = g1 - g0 unless it violates the curvature condition.</summary>
    public void Push(ReadOnlySpan<float> x0, ReadOnlySpan<float> x1, ReadOnlySpan<float> g0, ReadOnlySpan<float> g1)
    {
        int slot = (_newest + 1) % _s.Length;
        TensorPrimitives.Subtract(x1, x0, _s[slot]);
        TensorPrimitives.Subtract(g1, g0, _y[slot]);
        double sy = TensorPrimitives.Dot(_s[slot], _y[slot]);
        if (!(sy > 1e-10))
        {
            return; // not positive curvature: keep the old pairs so the direction stays a descent direction
        }

        _rho[slot] = 1.0 / sy;
        _newest = slot;
        _count = Math.Min(_count + 1, _s.Length);
    }

    /// <summary>direction = -H * gradient.</summary>
    public void Direction(ReadOnlySpan<float> gradient, Span<float> direction)
    {
        gradient.CopyTo(direction);
        int m = _s.Length;
        for (int k = 0; k < _count; k++)
        {
            int i = ((_newest - k) % m + m) % m;
            _alpha[i] = _rho[i] * TensorPrimitives.Dot(_s[i], direction);
            TensorPrimitives.MultiplyAdd(_y[i], (float)-_alpha[i], direction, direction);
        }

        if (_count > 0)
        {
            double yy = TensorPrimitives.Dot(_y[_newest], _y[_newest]);
            double gamma = 1.0 / (_rho[_newest] * yy); // s.y / y.y
            TensorPrimitives.Multiply(direction, (float)gamma, direction);
        }

        for (int k = _count - 1; k >= 0; k--)
        {
            int i = ((_newest - k) % m + m) % m;
            double beta = _rho[i] * TensorPrimitives.Dot(_y[i], direction);
            TensorPrimitives.MultiplyAdd(_s[i], (float)(_alpha[i] - beta), direction, direction);
        }

        TensorPrimitives.Negate(direction, direction);
    }
}
