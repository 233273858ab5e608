# SPDX-License-Identifier: GPL-2.0
# kunit.py --qemu_config for s390 (always TCG on an x86_64 host).
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='s390',
			   kconfig='''
CONFIG_EXPERT=y
CONFIG_TUNE_ZEC12=y
CONFIG_NUMA=y
CONFIG_MODULES=y''',
			   qemu_arch='s390x',
			   kernel_path='arch/s390/boot/bzImage',
			   # Huge pages for the hugetlb cases: one mapped page-cache page and
			   # its unshared copy, with room to spare.
			   kernel_command_line='console=ttyS0 hugepages=4',
			   extra_qemu_params=['-machine', 's390-ccw-virtio', '-cpu', 'qemu',
					      '-accel', 'tcg', '-smp', '2', '-m', '2048'])
