// Dequantization of real fixture tensors (llama-<TYPE>.gguf, every 2-D tensor
// of that type) against the float64 reference of quant_reference.cpp, and
// against the F32 model the quantized files were made from: the synthetic
// models share their random weights, so the quantization error must be small
// and shrink with the bit width.
#include <QtTest>
#include <cmath>

#include "common/fixtures.h"
#include "hearth/gguf.h"
#include "quant/quant.h"
#include "quant_reference.h"

using namespace hearth;

namespace {

struct Case {
    const char * file;
    TensorType type;
    double max_rel_rmse;  // vs the F32 weights: about 1.5x what llama.cpp's quantizer reached
    const char * f32_file = "llama-f32.gguf";
    int n_dims = 2;       // gpt-oss's MXFP4 experts are 3-D: [n_in, n_out, n_expert]
    int min_checked = 7;  // tensors of the type the file must hold
};

const Case kCases[] = {
    {"llama-F16.gguf", TensorType_F16, 5e-4},
    {"llama-BF16.gguf", TensorType_BF16, 3e-3},
    {"llama-Q8_0.gguf", TensorType_Q8_0, 0.01},
    {"llama-Q5_0.gguf", TensorType_Q5_0, 0.065},
    {"llama-Q5_1.gguf", TensorType_Q5_1, 0.06},
    {"llama-Q4_0.gguf", TensorType_Q4_0, 0.13},
    {"llama-Q4_1.gguf", TensorType_Q4_1, 0.12},
    {"llama-IQ4_NL.gguf", TensorType_IQ4_NL, 0.12},
    {"llama-IQ4_XS.gguf", TensorType_IQ4_XS, 0.12},
    {"llama-Q6_K.gguf", TensorType_Q6_K, 0.03},
    {"llama-Q5_K_S.gguf", TensorType_Q5_K, 0.055},
    {"llama-Q4_K_S.gguf", TensorType_Q4_K, 0.11},
    {"llama-Q3_K_S.gguf", TensorType_Q3_K, 0.23},
    {"llama-Q2_K.gguf", TensorType_Q2_K, 0.45},
    {"llama-IQ3_S.gguf", TensorType_IQ3_S, 0.2},
    {"llama-IQ3_XXS.gguf", TensorType_IQ3_XXS, 0.27},
    {"llama-IQ2_S.gguf", TensorType_IQ2_S, 0.37},
    {"llama-IQ2_XS.gguf", TensorType_IQ2_XS, 0.45},
    {"llama-IQ2_XXS.gguf", TensorType_IQ2_XXS, 0.52},
    {"llama-IQ1_M.gguf", TensorType_IQ1_M, 0.68},
    {"llama-IQ1_S.gguf", TensorType_IQ1_S, 0.73},
    {"gpt-oss-MXFP4_MOE.gguf", TensorType_MXFP4, 0.17, "gpt-oss-f32.gguf", 3, 6},
};

}  // namespace

class TestQuantDequant : public QObject {
    Q_OBJECT

private slots:
    void fixtureTensors_data() {
        QTest::addColumn<int>("index");
        for (int i = 0; i < int(std::size(kCases)); ++i) QTest::newRow(kCases[i].file) << i;
    }

    void fixtureTensors() {
        QFETCH(int, index);
        const Case & c = kCases[index];
        const std::string path = HEARTH_FIXTURE(std::string("models/synthetic/") + c.file);
        const std::string f32_path = HEARTH_FIXTURE(std::string("models/synthetic/") + c.f32_file);
        if (path.empty() || f32_path.empty()) return;
        const GgufFile q = GgufFile::open(path);
        const GgufFile ref = GgufFile::open(f32_path);

        int n_checked = 0;
        for (const GgufTensor & t : q.tensors()) {
            if (t.n_dims != uint32_t(c.n_dims) || t.type != c.type) continue;
            ++n_checked;
            const int64_t n = t.n_elements();
            const int64_t n_rows = n / t.ne[0];
            std::vector<float> ours(static_cast<size_t>(n));
            // Row by row, as the engine uses it.
            const size_t row_bytes = tensor_row_bytes(t.type, t.ne[0]);
            QCOMPARE(row_bytes * static_cast<size_t>(n_rows), t.n_bytes);
            for (int64_t r = 0; r < n_rows; ++r)
                dequantize_row(t.type, t.data + r * row_bytes, ours.data() + r * t.ne[0], t.ne[0]);
            const std::vector<double> exact = quant_ref::dequantize(t.type, t.data, n);
            for (int64_t i = 0; i < n; ++i) {
                if (static_cast<double>(ours[i]) != static_cast<float>(exact[i]) &&
                    std::fabs(ours[i] - exact[i]) > 1e-6 * std::fabs(exact[i]) + 1e-30) {
                    QFAIL(qPrintable(QString("%1 element %2: got %3, reference %4")
                                         .arg(QString::fromUtf8(t.name.data(), int(t.name.size())))
                                         .arg(i)
                                         .arg(ours[i])
                                         .arg(exact[i])));
                }
            }

            // Against the unquantized weights of the same tensor.
            const GgufTensor * f = ref.find_tensor(t.name);
            QVERIFY(f != nullptr);
            QCOMPARE(f->type, TensorType_F32);
            QCOMPARE(f->n_elements(), n);
            const auto * w = reinterpret_cast<const float *>(f->data);
            double err = 0, norm = 0;
            for (int64_t i = 0; i < n; ++i) {
                err += (ours[i] - w[i]) * double(ours[i] - w[i]);
                norm += double(w[i]) * w[i];
            }
            QVERIFY(norm > 0);
            const double rel = std::sqrt(err / norm);
            if (n_checked == 1)
                qInfo("%s %s: relative RMS error vs F32 %.5f", c.file, std::string(t.name).c_str(), rel);
            QVERIFY2(rel <= c.max_rel_rmse, qPrintable(QString("%1: relative RMS error %2 > %3")
                                                           .arg(QString::fromUtf8(t.name.data(), int(t.name.size())))
                                                           .arg(rel)
                                                           .arg(c.max_rel_rmse)));
        }
        QVERIFY2(n_checked >= c.min_checked, "expected every 2-D weight of the --pure file to be of its type");
    }
};

QTEST_APPLESS_MAIN(TestQuantDequant)
#include "test_quant_dequant.moc"
