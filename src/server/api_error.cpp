#include "server/api_error.h"

namespace Hearth::Server {

ApiError::ApiError(int status, std::string message, std::string type, std::string param, std::string code)
    : std::runtime_error(std::move(message)),
      m_status(status),
      m_type(std::move(type)),
      m_param(std::move(param)),
      m_code(std::move(code)) {}

nlohmann::json ApiError::toJson() const {
    nlohmann::json error = {{"message", what()}, {"type", m_type}};
    error["param"] = m_param.empty() ? nlohmann::json() : nlohmann::json(m_param);
    error["code"] = m_code.empty() ? nlohmann::json() : nlohmann::json(m_code);
    return {{"error", std::move(error)}};
}

ApiError ApiError::invalid(const std::string & param, const std::string & message) {
    return ApiError(400, message, "invalid_request_error", param);
}

}  // namespace Hearth::Server
