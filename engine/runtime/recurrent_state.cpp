#include "runtime/recurrent_state.h"

#include <algorithm>

namespace hearth {

size_t RecurrentState::conv_floats(const ModelHparams & hp) {
    return size_t(std::max(hp.ssm_d_conv - 1, 0)) * size_t(hp.ssm_conv_channels());
}

size_t RecurrentState::ssm_floats(const ModelHparams & hp) {
    return size_t(hp.ssm_n_v_heads) * size_t(hp.ssm_d_state) * size_t(hp.ssm_d_state);
}

size_t RecurrentState::bytes_needed(const ModelHparams & hp, int32_t n_layers) {
    const int32_t n = n_layers < 0 ? hp.n_layer : std::min(n_layers, hp.n_layer);
    size_t layers = 0;
    for (int il = 0; il < n; ++il) layers += hp.is_recurrent(il) ? 1 : 0;
    return layers * (conv_floats(hp) + ssm_floats(hp)) * sizeof(float);
}

RecurrentState::RecurrentState(const ModelHparams & hp, int32_t n_layers) : m_conv(conv_floats(hp)) {
    const int32_t n = n_layers < 0 ? hp.n_layer : std::min(n_layers, hp.n_layer);
    m_offset.assign(size_t(hp.n_layer), 0);
    size_t total = 0;
    for (int il = 0; il < n; ++il) {
        if (!hp.is_recurrent(il)) continue;
        m_offset[size_t(il)] = total;
        total += m_conv + ssm_floats(hp);
    }
    m_data.assign(total, 0.0f);
}

void RecurrentState::reset() {
    std::fill(m_data.begin(), m_data.end(), 0.0f);
}

void RecurrentState::save(float * dst) const {
    std::copy(m_data.begin(), m_data.end(), dst);
}

void RecurrentState::load(const float * src) {
    std::copy(src, src + m_data.size(), m_data.begin());
}

}  // namespace hearth
