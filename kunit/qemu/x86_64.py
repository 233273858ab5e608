# SPDX-License-Identifier: GPL-2.0
# kunit.py --qemu_config for x86_64.  tools/kunit.sh sets GUP_QEMU_ACCEL
# to "kvm" when /dev/kvm boots a guest here, to "tcg" otherwise.
import os

from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='x86_64',
			   kconfig='''
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y''',
			   qemu_arch='x86_64',
			   kernel_path='arch/x86/boot/bzImage',
			   # Huge pages for the hugetlb cases: one mapped page-cache page and
			   # its unshared copy, with room to spare.  vivid.allocators=1: dma_buf_mmap
			   # exports a videobuf2-dma-contig buffer from vivid.
			   kernel_command_line='console=ttyS0 hugepages=4 vivid.allocators=1',
			   # q35 with VT-d in front of QEMU's edu PCI device, which
			   # dma_buf_mmap drives through iommu-dma (the kernel options
			   # are in kunit/iommu-x86_64.kunitconfig).
			   extra_qemu_params=['-machine', 'q35', '-bios', 'qboot.rom',
					      '-device', 'intel-iommu,intremap=off',
					      '-device', 'edu',
					      '-accel', os.environ.get('GUP_QEMU_ACCEL', 'tcg'),
					      '-smp', '2', '-m', '2048'])
