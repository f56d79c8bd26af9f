#pragma once

namespace comfyvideo {
inline constexpr auto ApplicationName = "ComfyVideo";
inline constexpr auto OrganizationName = "ComfyVideo";
inline constexpr auto ApplicationVersion = COMFYVIDEO_VERSION;
} // namespace comfyvideo
