using System.Numerics.Tensors;

namespace MaskTrainer.Training;

/// <summary>Adam (Kingma and Ba, 2015) with bias correction, on a flat parameter vector.</summary>
internal sealed class AdamOptimizer
{
    private const float Beta1 = 0.9f, Beta2 = 0.999f, Epsilon = 1e-8f;

    private readonly float[] _m;
    private readonly float[] _v;
    private readonly float[] _tmp;
    private int _t;

    public AdamOptimizer(int parameterCount)
    {
        _m = new float[parameterCount];
        _v = new float[parameterCount];
        _tmp = new float[parameterCount];
    }

    public void Step(Span<float> parameters, ReadOnlySpan<float> gradient, double learningRate)
    {
        _t++;
        TensorPrimitives.Multiply(_m, Beta1, _m);
        TensorPrimitives.MultiplyAdd(gradient, 1f - Beta1, _m, _m);
        TensorPrimitives.Multiply(gradient, gradient, _tmp);
        TensorPrimitives.Multiply(_v, Beta2, _v);
        TensorPrimitives.MultiplyAdd(_tmp, 1f - Beta2, _v, _v);

        float c1 = (float)(1.0 - Math.Pow(Beta1, _t));
        float c2 = (float)(1.0 - Math.Pow(Beta2, _t));

        // p -= lr * (m / c1) / (sqrt(v / c2) + eps)
        TensorPrimitives.Multiply(_v, 1f / c2, _tmp);
        TensorPrimitives.Sqrt(_tmp, _tmp);
        TensorPrimitives.Add(_tmp, Epsilon, _tmp);
        TensorPrimitives.Divide(_m, _tmp, _tmp);
        TensorPrimitives.MultiplyAdd(_tmp, (float)(-learningRate / c1), parameters, parameters);
    }
}
